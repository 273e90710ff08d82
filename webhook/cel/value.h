#ifndef RAYGUARD_CEL_VALUE_H_
#define RAYGUARD_CEL_VALUE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "webhook/core/result.h"

namespace rayguard::cel {

class Value;

// A value of a library-defined type that CEL treats as opaque
// (kubernetes.Quantity, net.IP, net.CIDR, kubernetes.URL, kubernetes.Semver,
// ...). Immutable; shared between Values.
class OpaqueValue {
 public:
  virtual ~OpaqueValue() = default;
  // The CEL type name, e.g. "kubernetes.Quantity".
  virtual std::string_view TypeName() const = 0;
  // CEL `==` with another opaque value of the same TypeName().
  virtual bool Equals(const OpaqueValue& other) const = 0;
  // The value as JSON (its canonical string form).
  virtual nlohmann::json ToJson() const = 0;
};

// Seconds and nanoseconds; nanos has the sign of seconds (google.protobuf
// Duration/Timestamp layout). Timestamps count from the Unix epoch.
struct TimeParts {
  int64_t seconds = 0;
  int32_t nanos = 0;
};

// One CEL value. Cheap to copy: scalars are inline, strings, lists and maps
// are either shared immutable data or borrowed JSON (Value::FromJson) that
// must outlive the Value. Errors are values (kError), so `&&`/`||` can absorb
// them as CEL requires. Safe to share between threads (immutable).
class Value {
 public:
  enum class Kind : uint8_t {
    kNull,
    kBool,
    kInt,
    kUint,
    kDouble,
    kString,
    kBytes,
    kList,
    kMap,
    kType,
    kDuration,
    kTimestamp,
    kOptional,
    kError,
    kObject,  // built by `Type{field: value}`; map-like
    kOpaque,  // a library type (see OpaqueValue)
  };

  Value() = default;  // null

  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Uint(uint64_t u);
  static Value Double(double d);
  static Value String(std::string s);
  static Value Bytes(std::string b);
  static Value List(std::vector<Value> elements);
  static Value Map(std::vector<std::pair<Value, Value>> entries);
  // `name` is a CEL type name: "int", "list", "google.protobuf.Timestamp".
  static Value Type(std::string name);
  static Value Duration(TimeParts d);
  static Value Timestamp(TimeParts t);
  static Value Optional(Value v);
  static Value OptionalNone();
  static Value Error(std::string message);
  // An object value, e.g. `Object{spec: ...}` or `JSONPatch{op: "add"}`.
  static Value Object(std::string type_name,
                      std::vector<std::pair<std::string, Value>> fields);
  static Value Opaque(std::shared_ptr<const OpaqueValue> v);
  // Borrows `*json` (no copy); it must outlive the Value and its
  // derivatives. JSON integers become int (uint if above int64's range).
  // REQUIRES: json != nullptr
  static Value FromJson(const nlohmann::json* json);
  // Owns a copy of `json`.
  static Value FromJsonCopy(nlohmann::json json);

  Kind kind() const { return kind_; }
  bool IsError() const { return kind_ == Kind::kError; }
  bool IsNull() const { return kind_ == Kind::kNull; }

  // Accessors. REQUIRES: the matching kind().
  bool bool_value() const { return scalar_.b; }
  int64_t int_value() const { return scalar_.i; }
  uint64_t uint_value() const { return scalar_.u; }
  double double_value() const { return scalar_.d; }
  std::string_view string_value() const {  // kString, kBytes, kType, kError
    if (json_) return json_->get_ref<const std::string&>();
    return HeapString();
  }
  std::string_view error_message() const { return string_value(); }
  // kError: byte offset in the source of the sub-expression whose
  // evaluation failed, or -1 when unknown.
  int32_t error_position() const { return int32_t(scalar_.i) - 1; }
  // kError: this error, located at `position` (a byte offset).
  Value WithErrorPosition(int32_t position) const;
  std::string_view type_name() const { return string_value(); }  // kType
  TimeParts time_value() const { return scalar_.t; }  // kDuration, kTimestamp

  // kList
  size_t list_size() const {
    if (json_) return json_->get_ref<const nlohmann::json::array_t&>().size();
    return HeapListSize();
  }
  Value list_at(size_t i) const {
    if (json_) {
      return FromJson(&json_->get_ref<const nlohmann::json::array_t&>()[i]);
    }
    return HeapListAt(i);
  }
  // kMap and kObject
  size_t map_size() const;
  // The value under `key`, or nullopt. Numeric keys compare across types.
  std::optional<Value> map_find(const Value& key) const;
  std::optional<Value> map_find(std::string_view key) const;
  // Calls fn(key, value) for each entry in order until fn returns false.
  void map_for_each(
      const std::function<bool(const Value&, const Value&)>& fn) const;
  // kObject: the constructed type's name ("Object.spec", "JSONPatch").
  std::string_view object_type() const;
  // kOptional: the contained value, or nullptr for optional.none().
  const Value* optional_value() const;
  // kOpaque
  const OpaqueValue* opaque() const;
  // The borrowed JSON behind a kString/kList/kMap value, or nullptr.
  const nlohmann::json* borrowed_json() const { return json_; }

  // The CEL type name of this value: "int", "map", "kubernetes.Quantity".
  std::string TypeName() const;

  // The value as JSON (for patches, messages and `cel eval -o json`).
  // Bytes become base64, durations "1h2m3s"-style, timestamps RFC 3339,
  // optional.none() null. Errors and non-string map keys fail.
  Result<nlohmann::json> ToJson() const;

  // A CEL-literal-like rendering for humans ("[1, 'a']", "{'k': 2u}").
  std::string DebugString() const;

  // CEL equality (`==`). Returns an error Value never; heterogeneous numbers
  // compare by value, other mismatched kinds are unequal.
  friend bool Equal(const Value& a, const Value& b);

 private:
  union Scalar {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    TimeParts t;
    struct {
      const char* data;
      size_t size;
    } sv;  // a borrowed string (kString with no heap_ and no json_)
    const OpaqueValue* opaque;  // kOpaque; heap_ owns it
  };
  // Built in place (not assigned member by member into a default Value),
  // so returning a scalar or borrowed Value is a plain register copy.
  Value(Kind kind, Scalar scalar) : kind_(kind), scalar_(scalar) {}
  Value(Kind kind, const nlohmann::json* json) : kind_(kind), json_(json) {}

  // The non-borrowed halves of the accessors above.
  std::string_view HeapString() const;
  size_t HeapListSize() const;
  Value HeapListAt(size_t i) const;

  struct Heap;
  struct StringHeap;
  struct ListHeap;
  struct MapHeap;
  struct ObjectHeap;
  struct OptionalHeap;
  struct OpaqueHeap;
  friend struct ValueAccess;

  Kind kind_ = Kind::kNull;
  // Zeroed in full (both words), so a copy of a fresh Value reads what was
  // stored as a whole rather than half a store.
  Scalar scalar_{.sv = {nullptr, 0}};
  const nlohmann::json* json_ = nullptr;
  std::shared_ptr<const Heap> heap_;
};

bool Equal(const Value& a, const Value& b);

// Ordering for `<` and friends: -1, 0, 1, or nullopt when the values are not
// comparable (different non-numeric kinds, NaN, lists).
std::optional<int> Compare(const Value& a, const Value& b);

// The evaluator's hottest constructors, inline.
inline Value Value::Bool(bool b) { return Value(Kind::kBool, Scalar{.b = b}); }
inline Value Value::Int(int64_t i) { return Value(Kind::kInt, Scalar{.i = i}); }
inline Value Value::Uint(uint64_t u) {
  return Value(Kind::kUint, Scalar{.u = u});
}
inline Value Value::Double(double d) {
  return Value(Kind::kDouble, Scalar{.d = d});
}
// Always inlined: the evaluator calls it on every member it reads, and a
// call returns the Value through memory.
[[gnu::always_inline]] inline Value Value::FromJson(const nlohmann::json* j) {
  using T = nlohmann::json::value_t;
  switch (j->type()) {
    case T::boolean: return Bool(j->get_ref<const bool&>());
    case T::number_integer:
      return Int(j->get_ref<const nlohmann::json::number_integer_t&>());
    case T::number_unsigned: {
      uint64_t u = j->get_ref<const nlohmann::json::number_unsigned_t&>();
      return u <= uint64_t(INT64_MAX) ? Int(int64_t(u)) : Uint(u);
    }
    case T::number_float:
      return Double(j->get_ref<const nlohmann::json::number_float_t&>());
    case T::string: return Value(Kind::kString, j);
    case T::array: return Value(Kind::kList, j);
    case T::object: return Value(Kind::kMap, j);
    default: return Null();
  }
}

}  // namespace rayguard::cel

#endif  // RAYGUARD_CEL_VALUE_H_
