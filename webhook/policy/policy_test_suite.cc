#include "webhook/policy/policy_test_suite.h"

#include <re2/re2.h>

#include <filesystem>
#include <map>

#include "webhook/core/json_diff.h"
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
  nlohmann::json object;   // the expected mutated object; null: none
  bool unchanged = false;  // the mutating policies must leave it as it is
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

// The one object of a YAML file (an expected mutated object).
Result<nlohmann::json> ReadOneObject(const std::string& path) {
  auto docs = ReadYamlFile(path);
  if (!docs.ok()) return docs.status();
  if (docs->size() != 1 || !(*docs)[0].json.is_object()) {
    return Status::InvalidArgument(path + ": want exactly one object, found " +
                                   std::to_string(docs->size()) + " documents");
  }
  return std::move((*docs)[0].json);
}

// `object` (inline) or `objectFile` (a path relative to the test file)
// under `loc`, into *out; leaves *out alone when neither is given.
void ReadObjectOrFile(ObjectReader& r, const Loc& loc, const std::string& file,
                      nlohmann::json* out) {
  std::string path = r.String(loc.Child("objectFile"));
  const nlohmann::json* inline_object = r.Object(loc.Child("object"));
  if (!path.empty() && inline_object != nullptr) {
    r.Error(loc.Child("objectFile"),
            "Forbidden: give `object` or `objectFile`, not both");
  } else if (inline_object != nullptr) {
    *out = *inline_object;
  } else if (!path.empty()) {
    auto object = ReadOneObject(Resolve(file, {path})[0]);
    if (object.ok()) {
      *out = std::move(object).value();
    } else {
      r.Error(loc.Child("objectFile"),
              "Invalid value: \"" + path + "\": " + object.status().message());
    }
  }
}

Expectation ReadExpectation(ObjectReader& r, const Loc& loc,
                            const std::string& file) {
  Expectation e;
  if (r.Object(loc) == nullptr) {
    r.Error(loc, "Required value");
    return e;
  }
  r.KnownFields(loc, {"verdict", "messages", "rules", "auditAnnotations",
                      "object", "objectFile", "unchanged"});
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
  ReadObjectOrFile(r, loc, file, &e.object);
  if (const nlohmann::json* u = r.At(loc.Child("unchanged"))) {
    if (!u->is_boolean()) {
      r.Error(loc.Child("unchanged"), "Invalid value: must be a boolean");
    } else if (u->get<bool>() && !e.object.is_null()) {
      r.Error(loc.Child("unchanged"),
              "Forbidden: give an expected object or `unchanged`, not both");
    } else {
      e.unchanged = u->get<bool>();
    }
  }
  return e;
}

TestCase ReadCase(ObjectReader& r, const Loc& loc, const std::string& file,
                  const std::map<std::string, nlohmann::json>& resources) {
  r.KnownFields(loc, {"name", "resource", "object", "objectFile", "operation",
                      "oldObject", "oldResource", "namespaceObject", "userInfo",
                      "expect"});
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
  if (c.resource.object.is_null())
    ReadObjectOrFile(r, loc, file, &c.resource.object);
  if (c.resource.object.is_null()) {
    r.Error(loc.Child("object"),
            "Required value: name a `resource`, give an inline `object` or "
            "an `objectFile`");
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
  c.expect = ReadExpectation(r, loc.Child("expect"), file);
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

// The mutated object against the expected one, one failure per difference.
void CompareObject(const nlohmann::json& want, const nlohmann::json& got,
                   std::vector<std::string>* failures) {
  if (want.is_null()) return;
  std::vector<std::string> lines = DescribeJsonDifferences(want, got);
  if (lines.empty()) return;
  failures->push_back("mutated object differs from the expected object:");
  for (const std::string& line : lines) failures->push_back("  " + line);
}

// Runs one case: the mutating policies (if any) on a copy of the object,
// then the validating policies on the result, as the API server orders them.
CaseOutcome RunCase(const std::string& file, const std::string& test,
                    const TestCase& c, const MutatingLayer* mutations,
                    const PolicyEngine& engine) {
  CaseOutcome o{file,
                test,
                c.name,
                false,
                {},
                {},
                c.resource.object,
                c.resource.object,
                c.expect.object};
  std::vector<std::string> errors;
  if (mutations != nullptr) {
    Status s = mutations->Mutate(c.resource, &o.mutated, &o.result);
    if (!s.ok()) errors.push_back("mutation failed: " + s.message());
  }
  Resource mutated = c.resource;
  mutated.object = o.mutated;
  engine.Evaluate(mutated, &o.result);
  o.failures = Compare(c.expect, o.result);
  o.failures.insert(o.failures.begin(), errors.begin(), errors.end());
  if (c.expect.unchanged) o.expected_object = c.resource.object;
  CompareObject(o.expected_object, o.mutated, &o.failures);
  o.passed = o.failures.empty();
  return o;
}

// Loads what one PolicyTest names and runs its cases.
Status RunTestDocument(const std::string& file, const YamlDocument& doc,
                       const MutationLoader& load_mutations,
                       const std::string& schemas_dir,
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
  r.ForEach(Loc().Child("cases"), [&](const Loc& c) {
    cases.push_back(ReadCase(r, c, file, *resources));
    const Expectation& e = cases.back().expect;
    if (!load_mutations && (!e.object.is_null() || e.unchanged)) {
      r.Error(c.Child("expect").Child("object"),
              "Forbidden: mutating policies are not available here");
    }
  });
  if (cases.empty()) r.Error(Loc().Child("cases"), "Required value");
  if (!errors.empty()) return Joined(errors);

  PolicyObjects objects;
  ReadPolicyDirs(policy_paths, &objects, &errors);
  auto params = ParamStore::Load(param_paths);
  if (!params.ok()) return params.status().WithPrefix(file);
  PolicyEngine::Options options;
  options.schemas_dir = schemas_dir;
  auto engine = PolicyEngine::Create(std::move(objects),
                                     std::move(params).value(), options, &errors);
  if (!engine.ok()) return engine.status().WithPrefix(file + ": " + test);
  std::unique_ptr<const MutatingLayer> mutations;
  if (load_mutations) {
    auto loaded = load_mutations(policy_paths, param_paths);
    if (!loaded.ok()) return loaded.status().WithPrefix(file + ": " + test);
    mutations = std::move(loaded).value();
  }
  for (const TestCase& c : cases) {
    out->push_back(RunCase(file, test, c, mutations.get(), **engine));
  }
  return Status::Ok();
}

bool IsPolicyTest(const nlohmann::json& j) {
  return j.is_object() && j.value("apiVersion", "") == kTestApiVersion &&
         j.value("kind", "") == kTestKind;
}

}  // namespace

Result<std::vector<CaseOutcome>> RunPolicyTests(
    const std::vector<std::string>& paths,
    const MutationLoader& load_mutations, const std::string& schemas_dir) {
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
        Status s = RunTestDocument(file, doc, load_mutations, schemas_dir, &out);
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
