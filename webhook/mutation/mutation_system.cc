#include "webhook/mutation/mutation_system.h"

#include <algorithm>
#include <string>

namespace rayguard::mutation {
namespace {

// Adds the findings of a reinvocation pass that the first pass lacks.
void MergeNewFindings(const CheckResult& from, CheckResult* into) {
  for (const Finding& f : from.findings) {
    bool known = std::any_of(
        into->findings.begin(), into->findings.end(), [&](const Finding& g) {
          return g.rule == f.rule && g.path == f.path && g.message == f.message;
        });
    if (!known) into->findings.push_back(f);
  }
  into->audit_annotations.insert(from.audit_annotations.begin(),
                                 from.audit_annotations.end());
}

}  // namespace

MutationSystem::MutationSystem(std::vector<std::unique_ptr<Mutator>> mutators,
                               int max_passes)
    : mutators_(std::move(mutators)), max_passes_(std::max(1, max_passes)) {
  any_reinvoked_ =
      std::any_of(mutators_.begin(), mutators_.end(),
                  [](const std::unique_ptr<Mutator>& m) {
                    return m->reinvocation() == Reinvocation::kIfNeeded;
                  });
}

Status MutationSystem::RunPass(bool first, const Resource& resource,
                               nlohmann::json* object, CheckResult* result,
                               bool* changed) const {
  for (const auto& m : mutators_) {
    if (!first && m->reinvocation() != Reinvocation::kIfNeeded) continue;
    Status s = m->Mutate(resource, object, result, changed);
    if (!s.ok()) return s.WithPrefix(m->id());
  }
  return Status::Ok();
}

Status MutationSystem::Mutate(const Resource& resource, nlohmann::json* object,
                              CheckResult* result) const {
  bool changed = false;
  Status s = RunPass(true, resource, object, result, &changed);
  if (!s.ok() || !changed || !any_reinvoked_) return s;
  for (int pass = 1; pass < max_passes_; ++pass) {
    // Reinvocations mostly repeat the first pass's findings.
    CheckResult pass_result;
    changed = false;
    s = RunPass(false, resource, object, &pass_result, &changed);
    if (!s.ok()) return s;
    MergeNewFindings(pass_result, result);
    if (!changed) return Status::Ok();
  }
  std::string ids;
  for (const std::string& id : Unsettled(resource, *object)) {
    ids += (ids.empty() ? "" : ", ") + id;
  }
  return Status::ResourceExhausted(
      "mutations did not settle after " + std::to_string(max_passes_) +
      " passes; still changing the object: " +
      (ids.empty() ? std::string("several policies together") : ids));
}

std::vector<std::string> MutationSystem::Unsettled(
    const Resource& resource, nlohmann::json object) const {
  std::vector<std::string> ids;
  CheckResult scratch;
  for (const auto& m : mutators_) {
    if (m->reinvocation() != Reinvocation::kIfNeeded) continue;
    bool changed = false;
    if (!m->Mutate(resource, &object, &scratch, &changed).ok()) continue;
    if (changed) ids.push_back(m->id());
  }
  return ids;
}

}  // namespace rayguard::mutation
