#ifndef RAYGUARD_MANIFEST_FILE_WALKER_H_
#define RAYGUARD_MANIFEST_FILE_WALKER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "webhook/core/resource.h"
#include "webhook/core/status.h"
#include "webhook/manifest/yaml_reader.h"

namespace rayguard::manifest {

// The name stdin's documents are reported under.
inline constexpr char kStdinName[] = "stdin";

// One input to read, or the reason it cannot be.
struct InputFile {
  std::string path;  // as given or found; "-" for stdin
  Status error;      // e.g. NotFound for a path that does not exist
};

// Expands command-line paths in order: a file as given (any extension), a
// directory recursively into its *.yaml, *.yml and *.json files in sorted
// order, "-" as stdin. A missing path becomes an InputFile with an error, so
// the caller can report it and still read the rest.
std::vector<InputFile> ListInputs(const std::vector<std::string>& paths);

// One object found in a manifest, or one thing that kept us from reading it.
struct ManifestEntry {
  // object, file, document, item and source_map (rooted at the object, also
  // for List items). For errors, file/document/item say where it happened.
  Resource resource;
  Status error;  // not ok: unreadable file, bad YAML, no kind/apiVersion...
  std::optional<SourcePosition> error_position;
};

// Splits a YAML/JSON stream into entries, in order: each document, or each
// item of a List / *List document. Objects without apiVersion or kind, and
// documents that are not objects, become error entries; a YAML syntax error
// ends the stream with one error entry after the documents read before it.
// `file` is recorded in every entry. Never throws.
std::vector<ManifestEntry> ReadManifestText(const std::string& file,
                                            std::string_view text,
                                            const YamlLimits& limits = {});

// Reads `path` ("-" reads stdin, reported as kStdinName) and splits it as
// ReadManifestText does; an unreadable file is a single error entry.
std::vector<ManifestEntry> ReadManifestFile(const std::string& path,
                                            const YamlLimits& limits = {});

}  // namespace rayguard::manifest

#endif  // RAYGUARD_MANIFEST_FILE_WALKER_H_
