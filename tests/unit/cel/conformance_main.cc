// Runs the cel-spec conformance suite (JSON form, ../shared/cel-conformance)
// and the Kubernetes library examples through the engine.
//
// Prints "<file>: N passed, M failed, K skipped" per file and the total as
// the last line. Fails when the pass rate over the core files the product
// relies on drops below kTargetRate, or when a Kubernetes example fails.
// Tests that need protobuf messages are skipped; every other skip is listed
// with its reason in conformance_skips.txt.
//
// Usage: cel_conformance [-v] [file-name...]

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "webhook/cel/cel.h"
#include "webhook/cel/internal/format.h"

namespace {

using rayguard::cel::Value;
using json = nlohmann::json;
namespace cel = rayguard::cel;

constexpr double kTargetRate = 0.98;

const std::set<std::string> kTargetFiles = {
    "basic",        "comparisons", "conversions", "fp_math", "integer_math",
    "lists",        "logic",       "macros",      "macros2", "parse",
    "plumbing",     "string",      "string_ext",  "timestamps", "fields",
    "namespace",    "optionals",   "network_ext"};

const std::vector<std::string> kAllFiles = {
    "basic",     "bindings_ext", "block_ext",    "comparisons", "conversions",
    "dynamic",   "encoders_ext", "enums",        "fields",      "fp_math",
    "integer_math", "lists",     "logic",        "macros",      "macros2",
    "math_ext",  "namespace",    "network_ext",  "optionals",   "parse",
    "plumbing",  "proto2",       "proto2_ext",   "proto3",      "string",
    "string_ext", "timestamps",  "type_deduction", "unknowns",  "wrappers",
    "k8s-libraries"};

std::optional<Value> FromTagged(const json& t);

std::optional<Value> FromTaggedMap(const json& entries) {
  std::vector<std::pair<Value, Value>> out;
  for (const auto& e : entries) {
    auto k = FromTagged(e["key"]);
    auto v = FromTagged(e["value"]);
    if (!k || !v) return std::nullopt;
    out.emplace_back(std::move(*k), std::move(*v));
  }
  return Value::Map(std::move(out));
}

// A conformance "tagged value" as a Value; nullopt for messages and enums.
std::optional<Value> FromTagged(const json& t) {
  if (!t.is_object() || t.size() != 1) return std::nullopt;
  const std::string& tag = t.begin().key();
  const json& v = t.begin().value();
  if (tag == "int64") return Value::Int(std::stoll(v.get<std::string>()));
  if (tag == "uint64") return Value::Uint(std::stoull(v.get<std::string>()));
  if (tag == "double") {
    if (v.is_string()) {
      std::string s = v.get<std::string>();
      if (s == "NaN") return Value::Double(NAN);
      return Value::Double(s[0] == '-' ? -INFINITY : INFINITY);
    }
    return Value::Double(v.get<double>());
  }
  if (tag == "string") return Value::String(v.get<std::string>());
  if (tag == "bytes_b64") {
    return Value::Bytes(
        rayguard::cel::internal::Base64Decode(v.get<std::string>()).value_or(""));
  }
  if (tag == "bool") return Value::Bool(v.get<bool>());
  if (tag == "null") return Value::Null();
  if (tag == "type") return Value::Type(v.get<std::string>());
  if (tag == "timestamp" || tag == "duration") {
    rayguard::cel::TimeParts p{std::stoll(v["seconds"].get<std::string>()),
                               v["nanos"].get<int32_t>()};
    return tag == "timestamp" ? Value::Timestamp(p) : Value::Duration(p);
  }
  if (tag == "optional") {
    if (v.is_null()) return Value::OptionalNone();
    auto inner = FromTagged(v);
    if (!inner) return std::nullopt;
    return Value::Optional(std::move(*inner));
  }
  if (tag == "list") {
    std::vector<Value> out;
    for (const auto& e : v) {
      auto x = FromTagged(e);
      if (!x) return std::nullopt;
      out.push_back(std::move(*x));
    }
    return Value::List(std::move(out));
  }
  if (tag == "map") return FromTaggedMap(v);
  return std::nullopt;
}

// Equality for results: kinds must match exactly; NaN matches NaN.
bool SameValue(const Value& a, const Value& b) {
  using K = Value::Kind;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case K::kDouble:
      if (std::isnan(a.double_value())) return std::isnan(b.double_value());
      return a.double_value() == b.double_value();
    case K::kList:
      if (a.list_size() != b.list_size()) return false;
      for (size_t i = 0; i < a.list_size(); ++i) {
        if (!SameValue(a.list_at(i), b.list_at(i))) return false;
      }
      return true;
    case K::kMap: {
      if (a.map_size() != b.map_size()) return false;
      bool same = true;
      a.map_for_each([&](const Value& k, const Value& v) {
        auto o = b.map_find(k);
        same = o && SameValue(v, *o);
        return same;
      });
      return same;
    }
    case K::kOptional:
      if (!a.optional_value() || !b.optional_value()) {
        return a.optional_value() == b.optional_value();
      }
      return SameValue(*a.optional_value(), *b.optional_value());
    default:
      return Equal(a, b);
  }
}

struct Skip {
  std::string pattern;  // file/section/name, '*' matches one whole part
  std::string reason;
};

std::vector<Skip> LoadSkips(const std::string& path) {
  std::vector<Skip> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find_first_of(" \t");
    Skip s{line.substr(0, sp), ""};
    if (sp != std::string::npos) {
      s.reason = line.substr(line.find_first_not_of(" \t", sp));
    }
    out.push_back(s);
  }
  return out;
}

// '*' matches any part; "name_*" matches parts starting with "name_".
bool PartMatches(std::string_view pattern, std::string_view part) {
  if (pattern.ends_with('*')) {
    return part.starts_with(pattern.substr(0, pattern.size() - 1));
  }
  return pattern == part;
}

bool IsSkipped(const std::vector<Skip>& skips, const std::string& file,
               const std::string& section, const std::string& name) {
  for (const Skip& s : skips) {
    size_t a = s.pattern.find('/');
    size_t b = s.pattern.find('/', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    if (PartMatches(std::string_view(s.pattern).substr(0, a), file) &&
        PartMatches(std::string_view(s.pattern).substr(a + 1, b - a - 1),
                    section) &&
        PartMatches(std::string_view(s.pattern).substr(b + 1), name)) {
      return true;
    }
  }
  return false;
}

struct Outcome {
  bool passed;
  std::string detail;
};

// `mutation`: the MutatingAdmissionPolicy environment (jsonpatch library).
Outcome Run(const json& test, bool kubernetes, bool mutation) {
  cel::Env env;
  env.kubernetes_restrictions = kubernetes;
  env.mutation = mutation;
  // cel-spec tests the latest strings extension; Kubernetes runs version 2.
  if (!kubernetes) env.strings_version = 4;
  env.container = test.value("container", "");
  env.macros = !test.value("disable_macros", false);
  env.cost_limit = 0;
  cel::Activation act;
  for (auto it = test["bindings"].begin(); it != test["bindings"].end(); ++it) {
    env.variables.push_back(it.key());
    auto v = FromTagged(it.value());
    if (!v) return {false, "unsupported binding"};
    act.Bind(it.key(), *v);
  }
  for (const auto& decl : test["type_env"]) {
    if (decl.contains("ident")) env.variables.push_back(decl["name"]);
  }
  const json& expected = test["expected"];
  std::string kind = expected["kind"];
  auto program = cel::Compile(test["expr"].get<std::string>(), env);
  if (!program.ok()) {
    bool want_failure = kind == "compile_error" || kind == "eval_error" ||
                        kind == "any_eval_errors";
    return {want_failure, "compile: " + program.status().message()};
  }
  if (kind == "compile_error") return {false, "compiled, expected an error"};
  Value got = (*program)->Eval(act);
  if (kind == "eval_error" || kind == "any_eval_errors") {
    return {got.IsError(), "got " + got.DebugString()};
  }
  if (got.IsError()) return {false, "got " + got.DebugString()};
  if (kind == "equals_expr") {
    auto other = cel::Compile(expected["expr"].get<std::string>(), env);
    if (!other.ok()) return {false, "expected expr: " + other.status().message()};
    Value want = (*other)->Eval(act);
    return {!want.IsError() && Equal(got, want),
            "got " + got.DebugString() + ", want " + want.DebugString()};
  }
  if (kind != "value") return {false, "unsupported expectation " + kind};
  auto want = FromTagged(expected["value"]);
  if (!want) return {false, "unsupported expected value"};
  return {SameValue(got, *want),
          "got " + got.DebugString() + ", want " + want->DebugString()};
}

struct Tally {
  int passed = 0, failed = 0, skipped = 0;
  int listed = 0;  // skipped by conformance_skips.txt (not needs_proto)
  void Add(const Tally& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    listed += o.listed;
  }
  std::string Line() const {
    return std::to_string(passed) + " passed, " + std::to_string(failed) +
           " failed, " + std::to_string(skipped) + " skipped";
  }
};

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-v") verbose = true;
    else files.push_back(a);
  }
  if (files.empty()) files = kAllFiles;
  const std::string dir = std::string(RAYGUARD_SHARED_DIR) + "/cel-conformance/";
  auto skips = LoadSkips(std::string(RAYGUARD_SOURCE_DIR) +
                         "/tests/unit/cel/conformance_skips.txt");
  Tally total, target, k8s;
  for (const std::string& file : files) {
    std::ifstream in(dir + file + ".json");
    if (!in) {
      std::cerr << "cannot read " << dir << file << ".json\n";
      return 2;
    }
    json doc = json::parse(in);
    bool kubernetes = file == "k8s-libraries";
    Tally t;
    for (const auto& section : doc["sections"]) {
      for (const auto& test : section["tests"]) {
        std::string sname = section["name"], tname = test["name"];
        // The product targets Kubernetes 1.34's environment; the jsonpatch
        // library exists there for MutatingAdmissionPolicy only.
        bool mutation = kubernetes && sname == "jsonpatch";
        std::string since = test.value("k8s_since", "");
        bool newer = !since.empty() && std::stod(since.substr(2)) > 34 &&
                     since.rfind("1.", 0) == 0;
        if (test.value("needs_proto", false) ||
            (kubernetes && !mutation &&
             (!test.value("k8s_available", true) || newer))) {
          ++t.skipped;
          continue;
        }
        if (IsSkipped(skips, file, sname, tname)) {
          ++t.skipped;
          ++t.listed;
          continue;
        }
        Outcome o = Run(test, kubernetes, mutation);
        if (o.passed) {
          ++t.passed;
        } else {
          ++t.failed;
          if (verbose) {
            std::cout << "FAIL " << file << "/" << sname << "/" << tname
                      << ": " << test["expr"].get<std::string>() << "\n    "
                      << o.detail << "\n";
          }
        }
      }
    }
    std::cout << file << ": " << t.Line() << "\n";
    total.Add(t);
    if (kTargetFiles.count(file)) target.Add(t);
    if (kubernetes) k8s.Add(t);
  }
  // The target counts listed skips as not passing: the rate is over every
  // test of the core files that does not need protobuf messages.
  int non_proto = target.passed + target.failed + target.listed;
  double rate = non_proto ? double(target.passed) / non_proto : 1.0;
  char percent[16];
  std::snprintf(percent, sizeof percent, "%.2f", rate * 100);
  std::cout << "core files: " << target.Line() << "; " << target.passed
            << " of " << non_proto << " non-proto tests pass (" << percent
            << "%, target " << kTargetRate * 100 << "%)\n";
  std::cout << "total: " << total.Line() << "\n";
  bool ok = rate >= kTargetRate && k8s.failed == 0;
  return ok ? 0 : 1;
}
