// The work behind one /validate call without HTTP or TLS: decode the
// AdmissionReview, check the object, encode the answer.
#include <fstream>
#include <sstream>

#include <benchmark/benchmark.h>

#include "webhook/admission/admission_handler.h"
#include "webhook/admission/review_codec.h"

namespace rayguard::admission {
namespace {

std::string Fixture(const char* name) {
  std::ifstream in(std::string(RAYGUARD_SOURCE_DIR) +
                   "/tests/fixtures/admission/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ReviewEndToEnd(benchmark::State& state, const char* fixture) {
  const std::string body = Fixture(fixture);
  std::shared_ptr<const Validator> validator = Validator::Create({}).value();
  AdmissionHandler handler([validator] { return validator; });
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
  ReviewEndToEnd(state, "raycluster_complete_v1.json");
}
BENCHMARK(BM_ValidateCompleteSample);

void BM_ValidateDenied(benchmark::State& state) {
  ReviewEndToEnd(state, "raycluster_bad_name_v1.json");
}
BENCHMARK(BM_ValidateDenied);

void BM_DecodeOnly(benchmark::State& state) {
  const std::string body = Fixture("raycluster_complete_v1.json");
  for (auto _ : state) benchmark::DoNotOptimize(DecodeReview(body));
}
BENCHMARK(BM_DecodeOnly);

}  // namespace
}  // namespace rayguard::admission

BENCHMARK_MAIN();
