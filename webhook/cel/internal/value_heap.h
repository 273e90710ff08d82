#ifndef RAYGUARD_CEL_INTERNAL_VALUE_HEAP_H_
#define RAYGUARD_CEL_INTERNAL_VALUE_HEAP_H_

// The shared, immutable storage behind non-scalar Values. Internal to cel/.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "webhook/cel/value.h"

namespace rayguard::cel {

struct Value::Heap {
  virtual ~Heap() = default;
};
struct Value::StringHeap : Value::Heap {
  explicit StringHeap(std::string v) : s(std::move(v)) {}
  std::string s;
};
struct Value::ListHeap : Value::Heap {
  explicit ListHeap(std::vector<Value> v) : elements(std::move(v)) {}
  std::vector<Value> elements;
};
struct Value::MapHeap : Value::Heap {
  explicit MapHeap(std::vector<std::pair<Value, Value>> v)
      : entries(std::move(v)) {}
  std::vector<std::pair<Value, Value>> entries;
};
struct Value::ObjectHeap : Value::Heap {
  ObjectHeap(std::string t, std::vector<std::pair<std::string, Value>> f)
      : type(std::move(t)), fields(std::move(f)) {}
  std::string type;
  std::vector<std::pair<std::string, Value>> fields;
};
struct Value::OptionalHeap : Value::Heap {
  explicit OptionalHeap(Value v) : value(std::move(v)) {}
  Value value;
};
struct Value::OpaqueHeap : Value::Heap {
  explicit OpaqueHeap(std::shared_ptr<const OpaqueValue> v)
      : value(std::move(v)) {}
  std::shared_ptr<const OpaqueValue> value;
};

// Direct access for the interpreter's hot paths.
struct ValueAccess {
  // A string Value viewing `s`, which must outlive it (JSON map keys).
  static Value BorrowedString(std::string_view s) {
    Value v;
    v.kind_ = Value::Kind::kString;
    v.scalar_.sv = {s.data(), s.size()};
    return v;
  }
  static const std::vector<Value>* ListElements(const Value& v) {
    return v.json_ ? nullptr
                   : &static_cast<const Value::ListHeap*>(v.heap_.get())
                          ->elements;
  }
  static const std::vector<std::pair<Value, Value>>* MapEntries(
      const Value& v) {
    return v.json_ || v.kind_ != Value::Kind::kMap
               ? nullptr
               : &static_cast<const Value::MapHeap*>(v.heap_.get())->entries;
  }
  static const Value::ObjectHeap* Object(const Value& v) {
    return static_cast<const Value::ObjectHeap*>(v.heap_.get());
  }
};

}  // namespace rayguard::cel

#endif  // RAYGUARD_CEL_INTERNAL_VALUE_HEAP_H_
