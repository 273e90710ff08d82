// Structural validation speed: the compiled validator against valijson on
// the same generated schema, and the start-up cost of loading every schema.
// Run: ./build/bench/schema_bench (figures in bench/RESULTS.md).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "webhook/core/finding.h"
#include "webhook/schema/defaulter.h"
#include "webhook/schema/internal/yaml_json.h"
#include "webhook/schema/schema_registry.h"
#include "webhook/schema/structural_validator.h"

namespace rayguard::schema {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kRoot = RAYGUARD_SOURCE_DIR;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every RayCluster document of the KubeRay samples (defaults applied, as
// the layer sees them), or only those of `file` when given.
std::vector<json> SampleClusters(const SchemaNode& root,
                                 const std::string& file = "") {
  std::vector<json> out;
  for (const auto& e :
       fs::directory_iterator(kRoot + "/tests/fixtures/samples")) {
    if (e.path().extension() != ".yaml") continue;
    if (!file.empty() && e.path().filename() != file) continue;
    auto docs = internal::ParseYamlDocuments(Slurp(e.path()));
    if (!docs.ok()) continue;
    for (json& d : *docs) {
      if (d.value("kind", "") != "RayCluster") continue;
      ApplyStructuralDefaults(root, &d);
      out.push_back(std::move(d));
    }
  }
  return out;
}

const SchemaRegistry& Registry() {
  static const SchemaRegistry* r =
      SchemaRegistry::Load(kRoot + "/schemas").value().release();
  return *r;
}

const SchemaNode& ClusterSchema() {
  return *Registry().Find("ray.io/v1", "RayCluster")->root;
}

void BM_LoadAllSchemas(benchmark::State& state) {
  for (auto _ : state) {
    auto r = SchemaRegistry::Load(kRoot + "/schemas");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_LoadAllSchemas)->Unit(benchmark::kMillisecond);

void RunCompiled(benchmark::State& state, const std::vector<json>& docs) {
  StructuralOptions options{.strict = true};
  std::size_t findings = 0;
  for (auto _ : state) {
    for (const json& d : docs) {
      Findings f;
      ValidateStructural(ClusterSchema(), d, options, &f);
      findings += f.size();
    }
  }
  if (findings != 0) state.SkipWithError("a sample did not validate");
  state.SetItemsProcessed(state.iterations() * docs.size());
}

void BM_Compiled_CompleteCluster(benchmark::State& state) {
  static const auto docs =
      SampleClusters(ClusterSchema(), "ray-cluster.complete.yaml");
  RunCompiled(state, docs);
}
BENCHMARK(BM_Compiled_CompleteCluster);

void BM_Compiled_AllSampleClusters(benchmark::State& state) {
  static const auto docs = SampleClusters(ClusterSchema());
  state.counters["documents"] = docs.size();
  RunCompiled(state, docs);
}
BENCHMARK(BM_Compiled_AllSampleClusters);

void BM_DefaultAndValidate_CompleteCluster(benchmark::State& state) {
  static const auto docs =
      SampleClusters(ClusterSchema(), "ray-cluster.complete.yaml");
  StructuralOptions options{.strict = true};
  for (auto _ : state) {
    json copy = docs[0];
    ApplyStructuralDefaults(ClusterSchema(), &copy);
    Findings f;
    ValidateStructural(ClusterSchema(), copy, options, &f);
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DefaultAndValidate_CompleteCluster);

// valijson, used directly on the same generated schema (draft 7 keywords;
// the x-kubernetes-* extensions are ignored by it).
struct Valijson {
  json document =
      json::parse(Slurp(kRoot + "/schemas/ray.io_v1_raycluster.json"));
  valijson::Schema schema;
  Valijson() {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, schema);
  }
};

void BM_ValijsonParseClusterSchema(benchmark::State& state) {
  for (auto _ : state) {
    Valijson v;
    benchmark::DoNotOptimize(v.schema);
  }
}
BENCHMARK(BM_ValijsonParseClusterSchema)->Unit(benchmark::kMillisecond);

void RunValijson(benchmark::State& state, const std::vector<json>& docs) {
  static const Valijson v;
  int failed = 0;
  for (auto _ : state) {
    for (const json& d : docs) {
      valijson::Validator validator(valijson::Validator::kStrongTypes);
      valijson::adapters::NlohmannJsonAdapter target(d);
      failed += !validator.validate(v.schema, target, nullptr);
    }
  }
  if (failed != 0) state.SkipWithError("a sample did not validate");
  state.SetItemsProcessed(state.iterations() * docs.size());
}

void BM_Valijson_CompleteCluster(benchmark::State& state) {
  static const auto docs =
      SampleClusters(ClusterSchema(), "ray-cluster.complete.yaml");
  RunValijson(state, docs);
}
BENCHMARK(BM_Valijson_CompleteCluster);

void BM_Valijson_AllSampleClusters(benchmark::State& state) {
  static const auto docs = SampleClusters(ClusterSchema());
  RunValijson(state, docs);
}
BENCHMARK(BM_Valijson_AllSampleClusters);

}  // namespace
}  // namespace rayguard::schema

BENCHMARK_MAIN();
