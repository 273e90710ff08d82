// Per-document costs of `rayguard check`, in one process and one thread:
//   build/bench/check_bench --benchmark_min_time=1
// Whole-run figures (parallel, many files, vs ajv-cli): bench/check_repo.py.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "webhook/manifest/file_walker.h"
#include "webhook/manifest/yaml_reader.h"
#include "webhook/validator/validator.h"

namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const fs::path kSamples = fs::path(RAYGUARD_SOURCE_DIR) / "tests/fixtures/samples";

// ReadYaml on KubeRay's ray-cluster.complete.yaml (120 lines).
void BM_ReadYamlCompleteSample(benchmark::State& state) {
  const std::string text = Read(kSamples / "ray-cluster.complete.yaml");
  for (auto _ : state) {
    auto stream = rayguard::manifest::ReadYaml(text);
    benchmark::DoNotOptimize(stream);
  }
  state.SetBytesProcessed(state.iterations() * text.size());
}
BENCHMARK(BM_ReadYamlCompleteSample);

// ReadYaml on the same document as JSON (one line, as JSON.stringify and
// the JSON files of bench/check_repo.py write it): the JSON reader's path.
void BM_ReadJsonCompleteSample(benchmark::State& state) {
  const std::string text =
      rayguard::manifest::ReadYaml(Read(kSamples / "ray-cluster.complete.yaml"))
          .documents.at(0)
          .value.dump();
  for (auto _ : state) {
    auto stream = rayguard::manifest::ReadYaml(text);
    benchmark::DoNotOptimize(stream);
  }
  state.SetBytesProcessed(state.iterations() * text.size());
}
BENCHMARK(BM_ReadJsonCompleteSample);

// Every KubeRay sample: read, split and checked (all layers Create builds).
void BM_CheckAllSamples(benchmark::State& state) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : fs::directory_iterator(kSamples)) {
    if (e.path().extension() == ".yaml") {
      files.emplace_back(e.path().string(), Read(e.path()));
    }
  }
  auto validator = rayguard::Validator::Create({});
  if (!validator.ok()) {
    state.SkipWithError(validator.status().message().c_str());
    return;
  }
  std::size_t documents = 0;
  for (auto _ : state) {
    for (const auto& [name, text] : files) {
      for (auto& entry : rayguard::manifest::ReadManifestText(name, text)) {
        ++documents;
        if (!rayguard::Validator::Handles(entry.resource.object)) continue;
        auto result = (*validator)->Check(std::move(entry.resource));
        benchmark::DoNotOptimize(result);
      }
    }
  }
  state.counters["documents/s"] =
      benchmark::Counter(documents, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CheckAllSamples)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
