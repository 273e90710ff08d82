// Fuzzes the manifest YAML reader (the kubectl-compatible one `check`
// uses) and the file walker's document handling on top of it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "webhook/manifest/file_walker.h"
#include "webhook/manifest/yaml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)rayguard::manifest::ReadYaml(text);
  (void)rayguard::manifest::ReadManifestText("fuzz.yaml", text);
  return 0;
}
