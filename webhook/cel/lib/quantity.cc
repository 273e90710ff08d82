// Kubernetes `quantity` library: kubernetes.Quantity, the resource quantity
// of CPU, memory and GPU requests ("500m", "1.5Gi", "2e3"). The arithmetic
// and the forms a quantity takes are in internal/quantity_number.h.

#include "webhook/cel/function_registry.h"
#include "webhook/cel/internal/quantity_number.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;
using internal::QuantityNumber;

constexpr std::string_view kType = "kubernetes.Quantity";

class Quantity : public OpaqueValue {
 public:
  explicit Quantity(QuantityNumber n) : n_(std::move(n)) {}
  std::string_view TypeName() const override { return kType; }
  bool Equals(const OpaqueValue& o) const override {
    return n_.Compare(static_cast<const Quantity&>(o).n_) == 0;
  }
  nlohmann::json ToJson() const override { return n_.String(); }
  const QuantityNumber& number() const { return n_; }

 private:
  QuantityNumber n_;
};

const QuantityNumber& Q(const Value& v) {
  return static_cast<const Quantity&>(*v.opaque()).number();
}

Value Make(QuantityNumber n) {
  return Value::Opaque(std::make_shared<Quantity>(std::move(n)));
}

Value QuantityOf(Args a) {
  auto parsed = QuantityNumber::Parse(a[0].string_value());
  if (auto* err = std::get_if<std::string>(&parsed)) return Value::Error(*err);
  return Make(std::move(std::get<QuantityNumber>(parsed)));
}

Value IsQuantity(Args a) {
  return Value::Bool(std::holds_alternative<QuantityNumber>(
      QuantityNumber::Parse(a[0].string_value())));
}

Value IsLessThan(Args a) { return Value::Bool(Q(a[0]).Compare(Q(a[1])) < 0); }
Value IsGreaterThan(Args a) {
  return Value::Bool(Q(a[0]).Compare(Q(a[1])) > 0);
}
Value CompareTo(Args a) { return Value::Int(Q(a[0]).Compare(Q(a[1]))); }

// An int operand is resource.NewQuantity(i, DecimalExponent), as in
// Kubernetes.
QuantityNumber Operand(const Value& v) {
  return v.kind() == K::kInt
             ? QuantityNumber::FromInt(v.int_value(),
                                       QuantityNumber::Format::kDecimalExponent)
             : Q(v);
}
Value MakeOrOutOfRange(std::optional<QuantityNumber> n) {
  if (!n) return Value::Error(std::string(internal::kQuantityOutOfRange));
  return Make(std::move(*n));
}
Value Add(Args a) { return MakeOrOutOfRange(Q(a[0]).Add(Operand(a[1]))); }
Value Sub(Args a) { return MakeOrOutOfRange(Q(a[0]).Sub(Operand(a[1]))); }

Value IsInteger(Args a) { return Value::Bool(Q(a[0]).AsInt64().has_value()); }
Value AsInteger(Args a) {
  auto v = Q(a[0]).AsInt64();
  if (!v) return Value::Error("cannot convert value to integer");
  return Value::Int(*v);
}
Value AsApproximateFloat(Args a) {
  return Value::Double(Q(a[0]).AsApproximateFloat());
}
Value Sign(Args a) { return Value::Int(Q(a[0]).Sign()); }
Value ToString(Args a) { return Value::String(Q(a[0]).String()); }

}  // namespace

Status RegisterQuantityLibrary(FunctionRegistry& r) {
  const ArgType q(kType);
  r.AddGlobal("quantity", {K::kString}, QuantityOf);
  r.AddGlobal("isQuantity", {K::kString}, IsQuantity);
  r.AddMember("isLessThan", {q, q}, IsLessThan);
  r.AddMember("isGreaterThan", {q, q}, IsGreaterThan);
  r.AddMember("compareTo", {q, q}, CompareTo);
  r.AddMember("add", {q, q}, Add);
  r.AddMember("add", {q, K::kInt}, Add);
  r.AddMember("sub", {q, q}, Sub);
  r.AddMember("sub", {q, K::kInt}, Sub);
  r.AddMember("isInteger", {q}, IsInteger);
  r.AddMember("asInteger", {q}, AsInteger);
  r.AddMember("asApproximateFloat", {q}, AsApproximateFloat);
  // Declared as a global in Kubernetes: sign(q) type-checks, q.sign() not.
  r.AddGlobal("sign", {q}, Sign);
  r.AddGlobal("string", {q}, ToString);
  return Status::Ok();
}

}  // namespace rayguard::cel
