#include "webhook/policy/policy_test_suite.h"

#include <re2/re2.h>

#include <filesystem>
#include <map>

#include "webhook/policy/file_list.h"
#include "webhook/policy/object_reader.h"
#include "webhook/policy/params.h"
#include "webhook/policy/policy_engine.h"
#include "webhook/policy/policy_loader.h"

namespace rayguard::policy {
namespace {

constexpr char kTestApiVersion[] = "rayguard.io/v1";
constexpr char kTestKind[] = "PolicyTest";

struct Expectation {
  std::string verdict;  // allow, deny, warn
  std::vector<std::string> messages;
  std::vector<std::string> rules;
  std::map<std::string, std::string> audit_annotations;
};

struct TestCase {
  std::string name;
  Resource resource;
  Expectation expect;
};

Status Joined(const std::vector<LoadError>& errors) {
  std::string message = "invalid policy test:";
  for (const LoadError& e : errors) message += "\n  " + e.ToString();
  return Status::InvalidArgument(message);
}

// Paths in a test file are relative to the file.
std::vector<std::string> Resolve(const std::string& file,
                                 const std::vector<std::string>& paths) {
  std::filesystem::path base = std::filesystem::path(file).parent_path();
  std::vector<std::string> out;
  for (const std::string& p : paths) out.push_back((base / p).string());
  return out;
}

// metadata.name -> object, from the test's `resources` files.
Result<std::map<std::string, nlohmann::json>> ReadResources(
    const std::vector<std::string>& paths) {
  std::map<std::string, nlohmann::json> out;
  for (const std::string& path : paths) {
    auto files = ListYamlFiles(path, {});
    if (!files.ok()) return files.status();
    if (files->empty()) return Status::NotFound(path + ": no such file");
    for (const std::string& f : *files) {
      auto docs = ReadYamlFile(f);
      if (!docs.ok()) return docs.status();
      for (YamlDocument& d : *docs) {
        std::string name = d.json.value("/metadata/name"_json_pointer, "");
        out[name] = std::move(d.json);
      }
    }
  }
  return out;
}

Expectation ReadExpectation(ObjectReader& r, const Loc& loc) {
  Expectation e;
  if (r.Object(loc) == nullptr) {
    r.Error(loc, "Required value");
    return e;
  }
  r.KnownFields(loc, {"verdict", "messages", "rules", "auditAnnotations"});
  e.verdict = r.Enum(loc.Child("verdict"), {"allow", "deny", "warn"}, "");
  if (e.verdict.empty()) r.Error(loc.Child("verdict"), "Required value");
  e.messages = r.StringList(loc.Child("messages"));
  for (std::size_t i = 0; i < e.messages.size(); ++i) {
    if (!RE2(e.messages[i], RE2::Quiet).ok()) {
      r.Error(loc.Child("messages").Index(i),
              "Invalid value: not an RE2 "
              "regular expression");
    }
  }
  e.rules = r.StringList(loc.Child("rules"));
  if (const nlohmann::json* a = r.Object(loc.Child("auditAnnotations"))) {
    for (const auto& [k, v] : a->items()) {
      e.audit_annotations[k] = r.String(loc.Child("auditAnnotations").Key(k));
    }
  }
  return e;
}

TestCase ReadCase(ObjectReader& r, const Loc& loc,
                  const std::map<std::string, nlohmann::json>& resources) {
  r.KnownFields(loc, {"name", "resource", "object", "operation", "oldObject",
                      "oldResource", "namespaceObject", "userInfo", "expect"});
  TestCase c;
  c.name = r.RequiredString(loc.Child("name"));
  auto object_of = [&](const char* name_field, const char* inline_field,
                       nlohmann::json* out) {
    std::string name = r.String(loc.Child(name_field));
    if (!name.empty()) {
      auto it = resources.find(name);
      if (it == resources.end()) {
        r.Error(loc.Child(name_field),
                "Not found: \"" + name + "\": no resource of this name");
      } else {
        *out = it->second;
      }
    } else if (const nlohmann::json* o = r.Object(loc.Child(inline_field))) {
      *out = *o;
    }
  };
  object_of("resource", "object", &c.resource.object);
  if (c.resource.object.is_null()) {
    r.Error(loc.Child("object"),
            "Required value: name a `resource` or give "
            "an inline `object`");
  }
  object_of("oldResource", "oldObject", &c.resource.admission.old_object);
  c.resource.admission.operation =
      r.Enum(loc.Child("operation"), {"CREATE", "UPDATE", "DELETE", "CONNECT"},
             "CREATE");
  if (const nlohmann::json* ns = r.Object(loc.Child("namespaceObject"))) {
    c.resource.admission.namespace_object = *ns;
  }
  if (const nlohmann::json* u = r.Object(loc.Child("userInfo"))) {
    c.resource.admission.request["userInfo"] = *u;
  }
  c.expect = ReadExpectation(r, loc.Child("expect"));
  return c;
}

std::string Summary(const CheckResult& result) {
  std::string out;
  for (const Finding& f : result.findings) {
    out += "\n      " +
           std::string(f.audit ? "audit" : SeverityName(f.severity)) + " " +
           f.rule + ": " + f.message;
  }
  return out.empty() ? " (no findings)" : out;
}

std::vector<std::string> Compare(const Expectation& want,
                                 const CheckResult& got) {
  std::vector<std::string> failures;
  bool warned = false;
  for (const Finding& f : got.findings) {
    warned |= f.severity == Severity::kWarning && !f.audit;
  }
  std::string verdict = !got.allowed() ? "deny" : warned ? "warn" : "allow";
  if (verdict != want.verdict) {
    failures.push_back("verdict: want " + want.verdict + ", got " + verdict +
                       Summary(got));
  }
  for (const std::string& m : want.messages) {
    RE2 re(m);
    bool found = false;
    for (const Finding& f : got.findings) {
      found |= RE2::PartialMatch(f.message, re);
    }
    if (!found)
      failures.push_back("no message matches /" + m + "/" + Summary(got));
  }
  for (const std::string& rule : want.rules) {
    bool found = false;
    for (const Finding& f : got.findings) found |= f.rule == rule;
    if (!found) failures.push_back("no finding of rule " + rule + Summary(got));
  }
  for (const auto& [key, pattern] : want.audit_annotations) {
    auto it = got.audit_annotations.find(key);
    if (it == got.audit_annotations.end()) {
      failures.push_back("no audit annotation " + key);
    } else if (!RE2::PartialMatch(it->second, RE2(pattern))) {
      failures.push_back("audit annotation " + key + ": \"" + it->second +
                         "\" does not match /" + pattern + "/");
    }
  }
  return failures;
}

// Loads what one PolicyTest names and runs its cases.
Status RunTestDocument(const std::string& file, const YamlDocument& doc,
                       std::vector<CaseOutcome>* out) {
  std::vector<LoadError> errors;
  ObjectReader r(doc, file, kTestKind, &errors);
  r.KnownFields(Loc(), {"apiVersion", "kind", "metadata", "policies", "params",
                        "resources", "cases"});
  std::string test = r.RequiredString(Loc().Child("metadata").Child("name"));
  r.SetName(test);
  auto policy_paths = Resolve(file, r.StringList(Loc().Child("policies")));
  if (policy_paths.empty()) r.Error(Loc().Child("policies"), "Required value");
  auto param_paths = Resolve(file, r.StringList(Loc().Child("params")));
  auto resources =
      ReadResources(Resolve(file, r.StringList(Loc().Child("resources"))));
  if (!resources.ok()) return resources.status().WithPrefix(file);
  std::vector<TestCase> cases;
  r.ForEach(Loc().Child("cases"),
            [&](const Loc& c) { cases.push_back(ReadCase(r, c, *resources)); });
  if (cases.empty()) r.Error(Loc().Child("cases"), "Required value");
  if (!errors.empty()) return Joined(errors);

  PolicyObjects objects;
  ReadPolicyDirs(policy_paths, &objects, &errors);
  auto params = ParamStore::Load(param_paths);
  if (!params.ok()) return params.status().WithPrefix(file);
  auto engine = PolicyEngine::Create(std::move(objects),
                                     std::move(params).value(), {}, &errors);
  if (!engine.ok()) return engine.status().WithPrefix(file + ": " + test);
  for (const TestCase& c : cases) {
    CaseOutcome o{file, test, c.name, false, {}, {}};
    (*engine)->Evaluate(c.resource, &o.result);
    o.failures = Compare(c.expect, o.result);
    o.passed = o.failures.empty();
    out->push_back(std::move(o));
  }
  return Status::Ok();
}

bool IsPolicyTest(const nlohmann::json& j) {
  return j.is_object() && j.value("apiVersion", "") == kTestApiVersion &&
         j.value("kind", "") == kTestKind;
}

}  // namespace

Result<std::vector<CaseOutcome>> RunPolicyTests(
    const std::vector<std::string>& paths) {
  std::vector<CaseOutcome> out;
  int tests = 0;
  for (const std::string& path : paths) {
    if (!std::filesystem::exists(path)) {
      return Status::NotFound(path + ": no such file or directory");
    }
    auto files = ListYamlFiles(path, {"params"});
    if (!files.ok()) return files.status();
    for (const std::string& file : *files) {
      auto docs = ReadYamlFile(file);
      if (!docs.ok()) return docs.status();
      for (const YamlDocument& doc : *docs) {
        if (!IsPolicyTest(doc.json)) continue;
        ++tests;
        Status s = RunTestDocument(file, doc, &out);
        if (!s.ok()) return s;
      }
    }
  }
  if (tests == 0) {
    return Status::NotFound("no PolicyTest documents (apiVersion " +
                            std::string(kTestApiVersion) + ", kind " +
                            kTestKind + ") found");
  }
  return out;
}

}  // namespace rayguard::policy
