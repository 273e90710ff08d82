#include "webhook/cel/cel.h"

namespace rayguard::cel {

struct Activation::Binding {
  enum class Kind { kValue, kLazy, kLazyFields };
  std::string name;
  Kind kind = Kind::kValue;
  // kValue, and kLazy once produced.
  mutable Value value;
  mutable bool produced = false;
  std::function<Value()> producer;
  std::function<std::optional<Value>(std::string_view)> resolver;
  // kLazyFields: fields resolved so far.
  mutable std::vector<std::pair<std::string, std::optional<Value>>> fields;
};

Activation::Activation() = default;
Activation::~Activation() = default;

void Activation::Bind(std::string name, const nlohmann::json* json) {
  Bind(std::move(name), json ? Value::FromJson(json) : Value::Null());
}

void Activation::Bind(std::string name, Value value) {
  auto b = std::make_unique<Binding>();
  b->name = std::move(name);
  b->value = std::move(value);
  bindings_.push_back(std::move(b));
}

void Activation::BindLazy(std::string name, std::function<Value()> producer) {
  auto b = std::make_unique<Binding>();
  b->name = std::move(name);
  b->kind = Binding::Kind::kLazy;
  b->producer = std::move(producer);
  bindings_.push_back(std::move(b));
}

void Activation::BindLazyFields(
    std::string name,
    std::function<std::optional<Value>(std::string_view field)> resolver) {
  auto b = std::make_unique<Binding>();
  b->name = std::move(name);
  b->kind = Binding::Kind::kLazyFields;
  b->resolver = std::move(resolver);
  bindings_.push_back(std::move(b));
}

std::optional<Value> Activation::Find(std::string_view name) const {
  // Later bindings of the same name win.
  for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
    const Binding& b = **it;
    if (b.name != name) continue;
    switch (b.kind) {
      case Binding::Kind::kValue: return b.value;
      case Binding::Kind::kLazy:
        if (!b.produced) {
          b.value = b.producer();
          b.produced = true;
        }
        return b.value;
      case Binding::Kind::kLazyFields:
        return Value::Error("variable '" + b.name +
                            "' can only be used as " + b.name + ".<name>");
    }
  }
  return std::nullopt;
}

bool Activation::HasLazyFields(std::string_view name) const {
  for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
    if ((*it)->name == name) return (*it)->kind == Binding::Kind::kLazyFields;
  }
  return false;
}

std::optional<Value> Activation::FindField(std::string_view name,
                                           std::string_view field) const {
  for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
    const Binding& b = **it;
    if (b.name != name) continue;
    if (b.kind != Binding::Kind::kLazyFields) {
      std::optional<Value> v = Find(name);
      if (!v || (v->kind() != Value::Kind::kMap &&
                 v->kind() != Value::Kind::kObject)) {
        return std::nullopt;
      }
      return v->map_find(field);
    }
    for (const auto& [k, v] : b.fields) {
      if (k == field) return v;
    }
    std::optional<Value> v = b.resolver(field);
    b.fields.emplace_back(std::string(field), v);
    return v;
  }
  return std::nullopt;
}

}  // namespace rayguard::cel
