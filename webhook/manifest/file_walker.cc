#include "webhook/manifest/file_walker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <system_error>

namespace rayguard::manifest {
namespace {

namespace fs = std::filesystem;

bool IsManifestName(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

void AddDirectory(const std::string& dir, std::vector<InputFile>* out) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(
      dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && IsManifestName(it->path())) {
      found.push_back(it->path().string());
    }
  }
  if (ec) {
    out->push_back({dir, Status::Unavailable("cannot read directory: " +
                                             ec.message())});
    return;
  }
  std::sort(found.begin(), found.end());
  for (std::string& f : found) out->push_back({std::move(f), Status::Ok()});
}

// "apiVersion not set, kind not set", or "" when both are strings.
std::string MissingTypeFields(const nlohmann::json& object) {
  std::string missing;
  for (const char* field : {"apiVersion", "kind"}) {
    auto it = object.find(field);
    if (it != object.end() && it->is_string() &&
        !it->get_ref<const std::string&>().empty()) {
      continue;
    }
    if (!missing.empty()) missing += ", ";
    missing += std::string(field) + " not set";
  }
  return missing;
}

bool IsList(const nlohmann::json& object) {
  auto kind = object.find("kind");
  auto items = object.find("items");
  if (kind == object.end() || !kind->is_string() || items == object.end()) {
    return false;
  }
  const std::string& k = kind->get_ref<const std::string&>();
  return (items->is_array() || items->is_null()) && k.size() >= 4 &&
         k.compare(k.size() - 4, 4, "List") == 0;
}

// Splits a List's source map into one map per item, rooted at the item.
std::vector<std::shared_ptr<SourceMap>> SplitItemMaps(const SourceMap& map,
                                                      std::size_t items) {
  std::vector<std::shared_ptr<SourceMap>> out(items);
  for (auto& m : out) m = std::make_shared<SourceMap>();
  constexpr std::string_view kPrefix = "/items/";
  for (const auto& [pointer, pos] : map) {
    if (pointer.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    std::size_t end = pointer.find('/', kPrefix.size());
    std::size_t index = std::stoul(pointer.substr(kPrefix.size()));
    if (index >= items) continue;
    (*out[index])[end == std::string::npos ? "" : pointer.substr(end)] = pos;
  }
  return out;
}

ManifestEntry ObjectEntry(Resource resource) {
  ManifestEntry entry;
  if (!resource.object.is_object()) {
    entry.error = Status::InvalidArgument(
        std::string("document is not an object (it is a ") +
        resource.object.type_name() + ")");
  } else if (std::string missing = MissingTypeFields(resource.object);
             !missing.empty()) {
    entry.error = Status::InvalidArgument(missing);
  }
  if (!entry.error.ok()) entry.error_position = resource.PositionOf("");
  entry.resource = std::move(resource);
  return entry;
}

void AddDocument(const std::string& file, YamlDocument doc,
                 std::vector<ManifestEntry>* out) {
  Resource base;
  base.file = file;
  base.document = doc.index;
  if (!doc.value.is_object() || !IsList(doc.value)) {
    base.object = std::move(doc.value);
    base.source_map = std::move(doc.source_map);
    out->push_back(ObjectEntry(std::move(base)));
    return;
  }
  nlohmann::json& items = doc.value["items"];
  if (items.is_null()) return;
  auto maps = SplitItemMaps(*doc.source_map, items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    Resource r = base;
    r.item = static_cast<int>(i);
    r.object = std::move(items[i]);
    r.source_map = std::move(maps[i]);
    out->push_back(ObjectEntry(std::move(r)));
  }
}

// Reads `path` whole (regular files, pipes and devices alike) with one
// copy and as few system calls as the size allows (open, fstat, one read,
// close for a regular file): with thousands of small manifests, stdio's and
// iostreams' extra calls and buffers cost more than the reading.
bool ReadWholeFile(const std::string& path, std::string* text) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  // One byte more than the size, so that a regular file's short read is
  // its end.
  std::size_t chunk =
      regular ? static_cast<std::size_t>(st.st_size) + 1 : std::size_t{1} << 16;
  bool ok = true;
  while (true) {
    const std::size_t used = text->size();
    text->resize(used + chunk);
    const ssize_t n = ::read(fd, text->data() + used, chunk);
    if (n < 0 && errno == EINTR) {
      text->resize(used);
      continue;
    }
    if (n <= 0) {
      ok = n == 0;
      text->resize(used);
      break;
    }
    text->resize(used + static_cast<std::size_t>(n));
    if (regular && static_cast<std::size_t>(n) < chunk) break;
    chunk = std::size_t{1} << 16;
  }
  ::close(fd);
  return ok;
}

}  // namespace

std::vector<InputFile> ListInputs(const std::vector<std::string>& paths) {
  std::vector<InputFile> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path == "-") {
      out.push_back({path, Status::Ok()});
    } else if (fs::is_directory(path, ec)) {
      AddDirectory(path, &out);
    } else if (fs::exists(path, ec)) {
      out.push_back({path, Status::Ok()});
    } else {
      out.push_back({path, Status::NotFound("no such file or directory")});
    }
  }
  return out;
}

std::vector<ManifestEntry> ReadManifestText(const std::string& file,
                                            std::string_view text,
                                            const YamlLimits& limits) {
  std::vector<ManifestEntry> out;
  YamlStream stream = ReadYaml(text, limits);
  for (YamlDocument& doc : stream.documents) {
    AddDocument(file, std::move(doc), &out);
  }
  if (!stream.error.ok()) {
    ManifestEntry entry;
    entry.resource.file = file;
    entry.resource.document =
        stream.documents.empty() ? 0 : stream.documents.back().index + 1;
    entry.error = stream.error;
    entry.error_position = stream.error_position;
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<ManifestEntry> ReadManifestFile(const std::string& path,
                                            const YamlLimits& limits) {
  std::string text;
  const bool is_stdin = path == "-";
  if (is_stdin) {
    text.assign(std::istreambuf_iterator<char>(std::cin),
                std::istreambuf_iterator<char>());
  } else if (!ReadWholeFile(path, &text)) {
    ManifestEntry entry;
    entry.resource.file = path;
    entry.error = Status::Unavailable("cannot read file");
    return {std::move(entry)};
  }
  return ReadManifestText(is_stdin ? kStdinName : path, text, limits);
}

}  // namespace rayguard::manifest
