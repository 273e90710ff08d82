#include "webhook/cel/value.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "webhook/cel/internal/format.h"
#include "webhook/cel/internal/json_lookup.h"
#include "webhook/cel/internal/value_heap.h"

namespace rayguard::cel {

using json = nlohmann::json;

Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.heap_ = std::make_shared<StringHeap>(std::move(s));
  return v;
}
Value Value::Bytes(std::string b) {
  Value v = String(std::move(b));
  v.kind_ = Kind::kBytes;
  return v;
}
Value Value::List(std::vector<Value> elements) {
  Value v;
  v.kind_ = Kind::kList;
  v.heap_ = std::make_shared<ListHeap>(std::move(elements));
  return v;
}
Value Value::Map(std::vector<std::pair<Value, Value>> entries) {
  Value v;
  v.kind_ = Kind::kMap;
  v.heap_ = std::make_shared<MapHeap>(std::move(entries));
  return v;
}
Value Value::Type(std::string name) {
  Value v = String(std::move(name));
  v.kind_ = Kind::kType;
  return v;
}
Value Value::Duration(TimeParts d) {
  Value v;
  v.kind_ = Kind::kDuration;
  v.scalar_.t = d;
  return v;
}
Value Value::Timestamp(TimeParts t) {
  Value v;
  v.kind_ = Kind::kTimestamp;
  v.scalar_.t = t;
  return v;
}
Value Value::Optional(Value inner) {
  Value v;
  v.kind_ = Kind::kOptional;
  v.heap_ = std::make_shared<OptionalHeap>(std::move(inner));
  return v;
}
Value Value::OptionalNone() {
  Value v;
  v.kind_ = Kind::kOptional;
  return v;
}
Value Value::Error(std::string message) {
  Value v = String(std::move(message));
  v.kind_ = Kind::kError;
  return v;
}
Value Value::WithErrorPosition(int32_t position) const {
  Value v = *this;
  v.scalar_.i = int64_t(position) + 1;  // 0 stays "unknown"
  return v;
}
Value Value::Object(std::string type_name,
                    std::vector<std::pair<std::string, Value>> fields) {
  Value v;
  v.kind_ = Kind::kObject;
  v.heap_ = std::make_shared<ObjectHeap>(std::move(type_name),
                                         std::move(fields));
  return v;
}
Value Value::Opaque(std::shared_ptr<const OpaqueValue> o) {
  Value v;
  v.kind_ = Kind::kOpaque;
  v.scalar_.opaque = o.get();
  // heap_ shares o's ownership (aliasing constructor): no second block.
  static const OpaqueHeap kMarker(nullptr);
  v.heap_ = std::shared_ptr<const Heap>(std::move(o), &kMarker);
  return v;
}


Value Value::FromJsonCopy(json j) {
  // Converts eagerly so that nothing borrows from a temporary.
  switch (j.type()) {
    case json::value_t::string:
      return String(j.get<std::string>());
    case json::value_t::array: {
      std::vector<Value> out;
      out.reserve(j.size());
      for (auto& e : j) out.push_back(FromJsonCopy(std::move(e)));
      return List(std::move(out));
    }
    case json::value_t::object: {
      std::vector<std::pair<Value, Value>> out;
      out.reserve(j.size());
      for (auto& [k, e] : j.items()) {
        out.emplace_back(String(k), FromJsonCopy(e));
      }
      return Map(std::move(out));
    }
    default:
      return FromJson(&j);
  }
}

std::string_view Value::HeapString() const {
  if (!heap_) return std::string_view(scalar_.sv.data, scalar_.sv.size);
  return static_cast<const StringHeap*>(heap_.get())->s;
}

size_t Value::HeapListSize() const {
  return static_cast<const ListHeap*>(heap_.get())->elements.size();
}

Value Value::HeapListAt(size_t i) const {
  return static_cast<const ListHeap*>(heap_.get())->elements[i];
}

size_t Value::map_size() const {
  if (json_) return json_->size();
  if (kind_ == Kind::kObject) {
    return static_cast<const ObjectHeap*>(heap_.get())->fields.size();
  }
  return static_cast<const MapHeap*>(heap_.get())->entries.size();
}

std::optional<Value> Value::map_find(std::string_view key) const {
  if (json_) {
    const json* member = internal::FindMember(*json_, key);
    if (!member) return std::nullopt;
    return FromJson(member);
  }
  if (kind_ == Kind::kObject) {
    for (const auto& [k, v] : static_cast<const ObjectHeap*>(heap_.get())->fields) {
      if (k == key) return v;
    }
    return std::nullopt;
  }
  for (const auto& [k, v] : static_cast<const MapHeap*>(heap_.get())->entries) {
    if (k.kind() == Kind::kString && k.string_value() == key) return v;
  }
  return std::nullopt;
}

std::optional<Value> Value::map_find(const Value& key) const {
  if (key.kind() == Kind::kString) return map_find(key.string_value());
  if (json_ || kind_ == Kind::kObject) return std::nullopt;
  for (const auto& [k, v] : static_cast<const MapHeap*>(heap_.get())->entries) {
    if (k.kind() != Kind::kString && Equal(k, key)) return v;
  }
  return std::nullopt;
}

void Value::map_for_each(
    const std::function<bool(const Value&, const Value&)>& fn) const {
  if (json_) {
    for (auto it = json_->begin(); it != json_->end(); ++it) {
      if (!fn(String(it.key()), FromJson(&it.value()))) return;
    }
    return;
  }
  if (kind_ == Kind::kObject) {
    for (const auto& [k, v] : static_cast<const ObjectHeap*>(heap_.get())->fields) {
      if (!fn(String(k), v)) return;
    }
    return;
  }
  for (const auto& [k, v] : static_cast<const MapHeap*>(heap_.get())->entries) {
    if (!fn(k, v)) return;
  }
}

std::string_view Value::object_type() const {
  return static_cast<const ObjectHeap*>(heap_.get())->type;
}

const Value* Value::optional_value() const {
  if (!heap_) return nullptr;
  return &static_cast<const OptionalHeap*>(heap_.get())->value;
}

const OpaqueValue* Value::opaque() const {
  return scalar_.opaque;
}

std::string Value::TypeName() const {
  switch (kind_) {
    case Kind::kNull: return "null_type";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kUint: return "uint";
    case Kind::kDouble: return "double";
    case Kind::kString: return "string";
    case Kind::kBytes: return "bytes";
    case Kind::kList: return "list";
    case Kind::kMap: return "map";
    case Kind::kType: return "type";
    case Kind::kDuration: return "google.protobuf.Duration";
    case Kind::kTimestamp: return "google.protobuf.Timestamp";
    case Kind::kOptional: return "optional_type";
    case Kind::kError: return "error";
    case Kind::kObject: return std::string(object_type());
    case Kind::kOpaque: return std::string(opaque()->TypeName());
  }
  return "unknown";
}

namespace {

bool IsNumber(Value::Kind k) {
  return k == Value::Kind::kInt || k == Value::Kind::kUint ||
         k == Value::Kind::kDouble;
}

// Compares two numbers of any numeric kinds exactly (no rounding through
// double for large integers). nullopt when a NaN is involved.
std::optional<int> CompareNumbers(const Value& a, const Value& b) {
  using K = Value::Kind;
  auto sign = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (a.kind() == b.kind()) {
    switch (a.kind()) {
      case K::kInt: return sign(a.int_value(), b.int_value());
      case K::kUint: return sign(a.uint_value(), b.uint_value());
      default: break;
    }
  }
  if (a.kind() == K::kInt && b.kind() == K::kUint) {
    if (a.int_value() < 0) return -1;
    return sign(static_cast<uint64_t>(a.int_value()), b.uint_value());
  }
  if (a.kind() == K::kUint && b.kind() == K::kInt) {
    auto r = CompareNumbers(b, a);
    return r ? std::optional<int>(-*r) : r;
  }
  // At least one double.
  if (a.kind() == K::kDouble && b.kind() == K::kDouble) {
    double x = a.double_value(), y = b.double_value();
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return sign(x, y);
  }
  if (b.kind() == K::kDouble) {
    auto r = CompareNumbers(b, a);
    return r ? std::optional<int>(-*r) : r;
  }
  // int/uint against double compare as doubles, as cel-go does (so
  // 9223372036854775807 == 9223372036854775808.0).
  double d = a.double_value();
  double e = b.kind() == K::kInt ? static_cast<double>(b.int_value())
                                 : static_cast<double>(b.uint_value());
  if (std::isnan(d)) return std::nullopt;
  return sign(d, e);
}

}  // namespace

namespace {

int CompareTime(TimeParts a, TimeParts b) {
  if (a.seconds != b.seconds) return a.seconds < b.seconds ? -1 : 1;
  if (a.nanos != b.nanos) return a.nanos < b.nanos ? -1 : 1;
  return 0;
}

bool MapsEqual(const Value& a, const Value& b) {
  if (a.map_size() != b.map_size()) return false;
  bool equal = true;
  a.map_for_each([&](const Value& k, const Value& v) {
    auto other = b.map_find(k);
    equal = other && Equal(v, *other);
    return equal;
  });
  return equal;
}

}  // namespace

bool Equal(const Value& a, const Value& b) {
  using K = Value::Kind;
  if (IsNumber(a.kind()) && IsNumber(b.kind())) {
    auto r = CompareNumbers(a, b);
    return r && *r == 0;
  }
  bool a_map = a.kind() == K::kMap || a.kind() == K::kObject;
  bool b_map = b.kind() == K::kMap || b.kind() == K::kObject;
  if (a_map && b_map) {
    if (a.kind() == K::kObject && b.kind() == K::kObject &&
        a.object_type() != b.object_type()) {
      return false;
    }
    return MapsEqual(a, b);
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case K::kNull: return true;
    case K::kBool: return a.bool_value() == b.bool_value();
    case K::kString:
    case K::kBytes:
    case K::kType: return a.string_value() == b.string_value();
    case K::kDuration:
    case K::kTimestamp: return CompareTime(a.time_value(), b.time_value()) == 0;
    case K::kList: {
      size_t n = a.list_size();
      if (n != b.list_size()) return false;
      for (size_t i = 0; i < n; ++i) {
        if (!Equal(a.list_at(i), b.list_at(i))) return false;
      }
      return true;
    }
    case K::kOptional: {
      const Value* x = a.optional_value();
      const Value* y = b.optional_value();
      if (!x || !y) return x == y;
      return Equal(*x, *y);
    }
    case K::kOpaque:
      return a.opaque()->TypeName() == b.opaque()->TypeName() &&
             a.opaque()->Equals(*b.opaque());
    default: return false;
  }
}

std::optional<int> Compare(const Value& a, const Value& b) {
  using K = Value::Kind;
  if (IsNumber(a.kind()) && IsNumber(b.kind())) return CompareNumbers(a, b);
  if (a.kind() != b.kind()) return std::nullopt;
  switch (a.kind()) {
    case K::kBool: return int(a.bool_value()) - int(b.bool_value());
    case K::kString:
    case K::kBytes: {
      int c = a.string_value().compare(b.string_value());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case K::kDuration:
    case K::kTimestamp: return CompareTime(a.time_value(), b.time_value());
    default: return std::nullopt;
  }
}

Result<json> Value::ToJson() const {
  switch (kind_) {
    case Kind::kNull: return json(nullptr);
    case Kind::kBool: return json(bool_value());
    case Kind::kInt: return json(int_value());
    case Kind::kUint: return json(uint_value());
    case Kind::kDouble:
      if (!std::isfinite(double_value())) {
        return Status::InvalidArgument("cannot convert " + DebugString() +
                                       " to JSON");
      }
      return json(double_value());
    case Kind::kString:
      if (json_) return *json_;
      return json(std::string(string_value()));
    case Kind::kBytes: return json(internal::Base64Encode(string_value()));
    case Kind::kType: return json(std::string(type_name()));
    case Kind::kDuration: return json(internal::FormatDuration(time_value()));
    case Kind::kTimestamp: return json(internal::FormatTimestamp(time_value()));
    case Kind::kOpaque: return opaque()->ToJson();
    case Kind::kError:
      return Status::InvalidArgument(std::string(error_message()));
    case Kind::kOptional:
      if (!optional_value()) return json(nullptr);
      return optional_value()->ToJson();
    case Kind::kList: {
      if (json_) return *json_;
      json out = json::array();
      for (const Value& e : *ValueAccess::ListElements(*this)) {
        auto j = e.ToJson();
        if (!j.ok()) return j.status();
        out.push_back(std::move(*j));
      }
      return out;
    }
    case Kind::kMap:
    case Kind::kObject: {
      if (json_) return *json_;
      json out = json::object();
      Status status;
      map_for_each([&](const Value& k, const Value& v) {
        if (k.kind() != Kind::kString) {
          status = Status::InvalidArgument(
              "cannot convert a map with key " + k.DebugString() +
              " to JSON: keys must be strings");
          return false;
        }
        auto j = v.ToJson();
        if (!j.ok()) {
          status = j.status();
          return false;
        }
        out[std::string(k.string_value())] = std::move(*j);
        return true;
      });
      if (!status.ok()) return status;
      return out;
    }
  }
  return Status::Internal("unknown value kind");
}

std::string Value::DebugString() const {
  switch (kind_) {
    case Kind::kNull: return "null";
    case Kind::kBool: return bool_value() ? "true" : "false";
    case Kind::kInt: return std::to_string(int_value());
    case Kind::kUint: return std::to_string(uint_value()) + "u";
    case Kind::kDouble: return internal::FormatDouble(double_value());
    case Kind::kString: return internal::QuoteString(string_value());
    case Kind::kBytes: return "b" + internal::QuoteString(string_value());
    case Kind::kType: return std::string(type_name());
    case Kind::kDuration:
      return "duration(\"" + internal::FormatDuration(time_value()) + "\")";
    case Kind::kTimestamp:
      return "timestamp(\"" + internal::FormatTimestamp(time_value()) + "\")";
    case Kind::kError: return "error: " + std::string(error_message());
    case Kind::kOpaque:
      return std::string(opaque()->TypeName()) + "(" +
             opaque()->ToJson().dump() + ")";
    case Kind::kOptional:
      if (!optional_value()) return "optional.none()";
      return "optional.of(" + optional_value()->DebugString() + ")";
    case Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < list_size(); ++i) {
        if (i) out += ", ";
        out += list_at(i).DebugString();
      }
      return out + "]";
    }
    case Kind::kMap:
    case Kind::kObject: {
      std::string out =
          kind_ == Kind::kObject ? std::string(object_type()) + "{" : "{";
      bool first = true;
      map_for_each([&](const Value& k, const Value& v) {
        if (!first) out += ", ";
        first = false;
        out += kind_ == Kind::kObject ? std::string(k.string_value())
                                      : k.DebugString();
        out += ": " + v.DebugString();
        return true;
      });
      return out + "}";
    }
  }
  return "?";
}

}  // namespace rayguard::cel
