#ifndef RAYGUARD_TESTS_UNIT_MANIFEST_STREAM_DUMP_H_
#define RAYGUARD_TESTS_UNIT_MANIFEST_STREAM_DUMP_H_

#include <string>

#include "webhook/manifest/yaml_reader.h"

namespace rayguard::manifest {

// A read stream as text (documents, every source position in key order,
// the error), so a mismatch between two readers shows both sides whole.
std::string DumpStream(const YamlStream& s);

}  // namespace rayguard::manifest

#endif  // RAYGUARD_TESTS_UNIT_MANIFEST_STREAM_DUMP_H_
