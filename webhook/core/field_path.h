#ifndef RAYGUARD_CORE_FIELD_PATH_H_
#define RAYGUARD_CORE_FIELD_PATH_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace rayguard {

// A Kubernetes field.Path ("spec.workerGroupSpecs[0].template",
// "metadata.labels[ray.io/node-type]"), built one step at a time.
// A value type: each call returns a new path and leaves this one unchanged.
class FieldPath {
 public:
  FieldPath() = default;
  explicit FieldPath(std::string_view root) : text_(root) {}

  FieldPath Child(std::string_view name) const;  // ".name"
  FieldPath Index(std::size_t i) const;          // "[i]"
  FieldPath Key(std::string_view key) const;     // "[key]"

  const std::string& str() const { return text_; }
  bool empty() const { return text_.empty(); }

 private:
  std::string text_;
};

// Converts a field path to the RFC 6901 JSON Pointer of the same node
// ("spec.groups[0].labels[a/b]" -> "/spec/groups/0/labels/a~1b").
std::string FieldPathToPointer(std::string_view path);

}  // namespace rayguard

#endif  // RAYGUARD_CORE_FIELD_PATH_H_
