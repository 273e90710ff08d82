#include "webhook/policy/cel_context.h"

namespace rayguard::policy {
namespace {

void SetDefault(nlohmann::json* object, const char* key, nlohmann::json value) {
  if (!object->contains(key)) (*object)[key] = std::move(value);
}

const nlohmann::json* NullIfNull(const nlohmann::json& j) {
  return j.is_null() ? nullptr : &j;
}

}  // namespace

nlohmann::json BuildRequest(const Resource& resource,
                            const RequestAttributes& a) {
  nlohmann::json r = resource.admission.request.is_object()
                         ? resource.admission.request
                         : nlohmann::json::object();
  SetDefault(&r, "kind",
             {{"group", a.group}, {"version", a.version}, {"kind", a.kind}});
  SetDefault(
      &r, "resource",
      {{"group", a.group}, {"version", a.version}, {"resource", a.resource}});
  SetDefault(&r, "requestKind", r["kind"]);
  SetDefault(&r, "requestResource", r["resource"]);
  SetDefault(&r, "name", a.name);
  SetDefault(&r, "namespace", a.namespace_name);
  SetDefault(&r, "operation", a.operation);
  SetDefault(&r, "userInfo", nlohmann::json::object());
  SetDefault(&r, "dryRun", resource.admission.dry_run);
  return r;
}

EvaluationContext::EvaluationContext(
    const Resource& resource, const nlohmann::json& request,
    const nlohmann::json* params, const std::vector<CompiledNamed>& variables)
    : variables_(variables), in_progress_(variables.size(), false) {
  activation_.Bind("object", NullIfNull(resource.object));
  activation_.Bind("oldObject", NullIfNull(resource.admission.old_object));
  activation_.Bind("request", &request);
  activation_.Bind("params", params);
  activation_.Bind("namespaceObject",
                   NullIfNull(resource.admission.namespace_object));
  activation_.BindLazyFields("variables", [this](std::string_view name) {
    return ResolveVariable(name);
  });
}

std::optional<cel::Value> EvaluationContext::ResolveVariable(
    std::string_view name) {
  for (std::size_t i = 0; i < variables_.size(); ++i) {
    if (variables_[i].name != name) continue;
    if (in_progress_[i]) {
      return cel::Value::Error("variable '" + std::string(name) +
                               "' refers to itself");
    }
    in_progress_[i] = true;
    cel::Value v = variables_[i].program->Eval(activation_);
    in_progress_[i] = false;
    return v;
  }
  return std::nullopt;
}

MatchConditionsOutcome EvaluateMatchConditions(
    const std::vector<CompiledNamed>& conditions,
    const cel::Activation& activation) {
  MatchConditionsOutcome out;
  for (const CompiledNamed& c : conditions) {
    cel::Value v = c.program->Eval(activation);
    if (v.kind() == cel::Value::Kind::kBool) {
      if (!v.bool_value()) return {false, ""};
      continue;
    }
    if (out.error.empty()) {
      std::string why = v.IsError()
                            ? std::string(v.error_message())
                            : "must evaluate to bool, got " + v.TypeName();
      out.error = "matchCondition '" + c.name + "' resulted in error: " + why;
    }
  }
  return out;
}

void CompileNamed(const std::vector<NamedExpression>& expressions,
                  const std::string& field, const cel::Env& env,
                  std::vector<CompiledNamed>* out,
                  std::vector<CompileError>* errors) {
  for (std::size_t i = 0; i < expressions.size(); ++i) {
    const NamedExpression& e = expressions[i];
    auto program = cel::Compile(e.expression, env);
    if (!program.ok()) {
      std::string index = "[" + std::to_string(i) + "]";
      errors->push_back({field + index + ".expression",
                         "/spec/" + field.substr(field.find('.') + 1) + "/" +
                             std::to_string(i) + "/expression",
                         program.status().message()});
      continue;
    }
    out->push_back({e.name, e.expression, std::move(program).value()});
  }
}

cel::Env PolicyEnv(const std::vector<NamedExpression>& variables,
                   bool mutation) {
  cel::Env env = mutation ? cel::Env::Mutation() : cel::Env::Admission();
  for (const NamedExpression& v : variables) {
    env.variable_names.push_back(v.name);
  }
  return env;
}

}  // namespace rayguard::policy
