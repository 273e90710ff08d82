// Fuzzes the whole review path below HTTP: DecodeReview on arbitrary bytes,
// then /validate and /mutate on whatever decodes, with the bundled schemas
// and policies. A review may be denied; it must never crash or throw.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "webhook/admission/admission_handler.h"
#include "webhook/admission/review_codec.h"
#include "webhook/validator/validator.h"

namespace {

std::shared_ptr<const rayguard::Validator> LoadValidator() {
  rayguard::ValidatorOptions options;
  options.schemas_dir = RAYGUARD_SOURCE_DIR "/schemas";
  options.policy_dirs = {RAYGUARD_SOURCE_DIR "/policies"};
  auto v = rayguard::Validator::Create(options);
  if (!v.ok()) __builtin_trap();  // the bundled set must load
  return std::shared_ptr<const rayguard::Validator>(std::move(v).value());
}

std::shared_ptr<const rayguard::Validator> validator;

}  // namespace

// Loading the schemas and policies happens here, outside libFuzzer's
// per-input timeout: on a busy machine it can take longer than one input may.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  validator = LoadValidator();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rayguard::admission::AdmissionHandler handler(
      [] { return validator; });
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto request = rayguard::admission::DecodeReview(body);
  if (!request.ok()) return 0;
  (void)handler.Validate(*request);
  (void)handler.Mutate(*request);
  return 0;
}
