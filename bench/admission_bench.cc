// The work behind one /validate call without HTTP or TLS: decode the
// AdmissionReview, check the object, encode the answer.
//
// BM_Review* run every layer the server runs (bundled schemas, rules and
// policies) on the bench-peers bodies (KubeRay's ray-cluster.complete.yaml
// as kube-apiserver sends it) when RAYGUARD_PEER_DATA names their folder
// (default /tmp/rayguard-peers/data, made by bench-peers/setup.sh).
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>

#include <benchmark/benchmark.h>

#include "webhook/admission/admission_handler.h"
#include "webhook/admission/review_codec.h"

// Every operator new is counted, so that each case reports its allocations
// per review ("allocs"), the figure behind most of a review's cost.
namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

// Out of line, so that GCC does not see free() meet a `new` once inlined.
__attribute__((noinline)) void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void operator delete(void* p) noexcept {
  std::free(p);
}
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace rayguard::admission {
namespace {

// Reports allocations per iteration when `state` ends.
class CountAllocations {
 public:
  explicit CountAllocations(benchmark::State& state)
      : state_(state), start_(g_allocations.load()) {}
  ~CountAllocations() {
    state_.counters["allocs"] = benchmark::Counter(
        static_cast<double>(g_allocations.load() - start_),
        benchmark::Counter::kAvgIterations);
  }

 private:
  benchmark::State& state_;
  std::size_t start_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Fixture(const char* name) {
  return ReadFile(std::string(RAYGUARD_SOURCE_DIR) +
                  "/tests/fixtures/admission/" + name);
}

std::string PeerBody(const char* name) {
  const char* dir = std::getenv("RAYGUARD_PEER_DATA");
  return ReadFile(std::string(dir != nullptr ? dir : "/tmp/rayguard-peers/data") +
                  "/" + name);
}

// A RayCluster CREATE whose head container's `args` holds `n` one-letter
// strings: the most decoded nodes per byte (bench/worst_review.py).
std::string ArgsFlood(std::size_t n) {
  std::string args;
  args.reserve(n * 4);
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) args += ',';
    args += '"';
    args += static_cast<char>('a' + i % 26);
    args += '"';
  }
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",)"
         R"("request":{"uid":"u1","kind":{"group":"ray.io","version":"v1",)"
         R"("kind":"RayCluster"},"operation":"CREATE","object":{)"
         R"("apiVersion":"ray.io/v1","kind":"RayCluster","metadata":)"
         R"({"name":"args-flood"},"spec":{"headGroupSpec":{"rayStartParams":)"
         R"({},"template":{"spec":{"containers":[{"name":"ray-head",)"
         R"("image":"rayproject/ray:2.46.0","args":[)" +
         args + "]}]}}}}},\"oldObject\":null}}";
}

std::shared_ptr<const Validator> AllLayers() {
  ValidatorOptions options;
  options.schemas_dir = std::string(RAYGUARD_SOURCE_DIR) + "/schemas";
  options.policy_dirs = {std::string(RAYGUARD_SOURCE_DIR) + "/policies"};
  options.parallel_load = false;
  return Validator::Create(options).value();
}

void ReviewEndToEnd(benchmark::State& state, const std::string& body,
                    std::shared_ptr<const Validator> validator) {
  if (body.empty()) {
    state.SkipWithError("body not found (run bench-peers/setup.sh)");
    return;
  }
  AdmissionHandler handler([validator] { return validator; });
  CountAllocations count(state);
  for (auto _ : state) {
    Result<AdmissionRequest> request = DecodeReview(body);
    AdmissionResponse response = handler.Validate(*request);
    std::string out = EncodeReview(request->api_version, response);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(body.size()));
}

void BM_ValidateCompleteSample(benchmark::State& state) {
  ReviewEndToEnd(state, Fixture("raycluster_complete_v1.json"),
                 Validator::Create({}).value());
}
BENCHMARK(BM_ValidateCompleteSample);

void BM_ValidateDenied(benchmark::State& state) {
  ReviewEndToEnd(state, Fixture("raycluster_bad_name_v1.json"),
                 Validator::Create({}).value());
}
BENCHMARK(BM_ValidateDenied);

void BM_DecodeOnly(benchmark::State& state) {
  const std::string body = Fixture("raycluster_complete_v1.json");
  CountAllocations count(state);
  for (auto _ : state) benchmark::DoNotOptimize(DecodeReview(body));
}
BENCHMARK(BM_DecodeOnly);

// What `rayguard serve` does per review, all layers on.
void BM_ReviewCreateAllLayers(benchmark::State& state) {
  ReviewEndToEnd(state, PeerBody("review-create.json"), AllLayers());
}
BENCHMARK(BM_ReviewCreateAllLayers);

void BM_ReviewUpdateAllLayers(benchmark::State& state) {
  ReviewEndToEnd(state, PeerBody("review-update.json"), AllLayers());
}
BENCHMARK(BM_ReviewUpdateAllLayers);

void BM_DecodeCreate(benchmark::State& state) {
  const std::string body = PeerBody("review-create.json");
  CountAllocations count(state);
  for (auto _ : state) benchmark::DoNotOptimize(DecodeReview(body));
}
BENCHMARK(BM_DecodeCreate);

void BM_DecodeArgsFlood(benchmark::State& state) {
  const std::string body = ArgsFlood(700000);
  for (auto _ : state) benchmark::DoNotOptimize(DecodeReview(body));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_DecodeArgsFlood)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rayguard::admission

BENCHMARK_MAIN();
