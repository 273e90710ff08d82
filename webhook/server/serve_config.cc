#include "webhook/server/serve_config.h"

#include <cstdlib>
#include <exception>
#include <functional>

#include <yaml-cpp/yaml.h>

#include "webhook/rules/feature_gates.h"

namespace rayguard::server {
namespace {

using Setter = std::function<Status(const YAML::Node&, ServeConfig*)>;

Result<std::string> Scalar(const YAML::Node& node) {
  if (!node.IsScalar()) return Status::InvalidArgument("must be a string");
  return node.Scalar();
}

Setter StringKey(std::string ServeConfig::*field) {
  return [field](const YAML::Node& node, ServeConfig* c) -> Status {
    Result<std::string> s = Scalar(node);
    if (!s.ok()) return s.status();
    c->*field = *s;
    return Status::Ok();
  };
}

Setter TlsKey(std::string TlsOptions::*field) {
  return [field](const YAML::Node& node, ServeConfig* c) -> Status {
    Result<std::string> s = Scalar(node);
    if (!s.ok()) return s.status();
    c->tls.*field = *s;
    return Status::Ok();
  };
}

Setter DurationKey(std::chrono::milliseconds ServeConfig::*field) {
  return [field](const YAML::Node& node, ServeConfig* c) -> Status {
    Result<std::string> s = Scalar(node);
    if (!s.ok()) return s.status();
    Result<std::chrono::milliseconds> d = ParseSeconds(*s);
    if (!d.ok()) return d.status();
    c->*field = *d;
    return Status::Ok();
  };
}

Setter BoolKey(bool ServeConfig::*field) {
  return [field](const YAML::Node& node, ServeConfig* c) -> Status {
    Result<std::string> s = Scalar(node);
    if (!s.ok()) return s.status();
    if (*s != "true" && *s != "false") {
      return Status::InvalidArgument("must be true or false");
    }
    c->*field = *s == "true";
    return Status::Ok();
  };
}

Status SetPolicies(const YAML::Node& node, ServeConfig* c) {
  c->policy_dirs.clear();
  if (node.IsScalar()) {
    c->policy_dirs.push_back(node.Scalar());
    return Status::Ok();
  }
  if (!node.IsSequence()) {
    return Status::InvalidArgument("must be a string or a list of strings");
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) return Status::InvalidArgument("must hold strings");
    c->policy_dirs.push_back(item.Scalar());
  }
  return Status::Ok();
}

Status SetClientAllowedNames(const YAML::Node& node, ServeConfig* c) {
  c->tls.client_allowed_names.clear();
  if (!node.IsSequence()) {
    return Status::InvalidArgument("must be a list of strings");
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) return Status::InvalidArgument("must hold strings");
    c->tls.client_allowed_names.push_back(item.Scalar());
  }
  return Status::Ok();
}

Status SetFeatureGates(const YAML::Node& node, ServeConfig* c) {
  if (node.IsScalar()) {
    Result<std::map<std::string, bool>> gates = ParseFeatureGates(node.Scalar());
    if (!gates.ok()) return gates.status();
    c->feature_gates = *gates;
    return Status::Ok();
  }
  if (!node.IsMap()) return Status::InvalidArgument("must be a map or K=V,...");
  for (const auto& kv : node) {
    Result<std::map<std::string, bool>> gate =
        ParseFeatureGates(kv.first.Scalar() + "=" + kv.second.Scalar());
    if (!gate.ok()) return gate.status();
    c->feature_gates.merge(*gate);
  }
  return Status::Ok();
}

Setter PositiveKey(std::function<void(ServeConfig*, long long)> set) {
  return [set](const YAML::Node& node, ServeConfig* c) -> Status {
    Result<std::string> s = Scalar(node);
    if (!s.ok()) return s.status();
    char* end = nullptr;
    long long v = std::strtoll(s->c_str(), &end, 10);
    if (s->empty() || *end != '\0' || v <= 0) {
      return Status::InvalidArgument("must be a positive integer");
    }
    set(c, v);
    return Status::Ok();
  };
}

const std::map<std::string, Setter>& Setters() {
  static const auto* setters = new std::map<std::string, Setter>{
      {"listen", StringKey(&ServeConfig::listen)},
      {"tls-cert", TlsKey(&TlsOptions::cert_file)},
      {"tls-key", TlsKey(&TlsOptions::key_file)},
      {"client-ca", TlsKey(&TlsOptions::client_ca_file)},
      {"client-allowed-names", SetClientAllowedNames},
      {"schemas", StringKey(&ServeConfig::schemas_dir)},
      {"policies", SetPolicies},
      {"feature-gates", SetFeatureGates},
      {"params", StringKey(&ServeConfig::params_dir)},
      {"strict", BoolKey(&ServeConfig::strict)},
      {"skip-invalid-policies", BoolKey(&ServeConfig::skip_invalid_policies)},
      {"ratcheting", BoolKey(&ServeConfig::ratcheting)},
      {"log-format", StringKey(&ServeConfig::log_format)},
      {"max-body-bytes", PositiveKey([](ServeConfig* c, long long v) {
         c->max_body_bytes = static_cast<std::size_t>(v);
       })},
      {"threads", PositiveKey([](ServeConfig* c, long long v) {
         c->threads = static_cast<int>(std::min(v, 4096LL));
       })},
      {"request-timeout", DurationKey(&ServeConfig::request_timeout)},
      {"watch-interval", DurationKey(&ServeConfig::watch_interval)},
      {"shutdown-delay", DurationKey(&ServeConfig::shutdown_delay)},
      {"shutdown-grace", DurationKey(&ServeConfig::shutdown_grace)},
  };
  return *setters;
}

}  // namespace

Status ApplyConfigFile(const std::string& path, ServeConfig* config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap()) return Status::InvalidArgument(path + ": must be a map");
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    auto it = Setters().find(key);
    if (it == Setters().end()) {
      return Status::InvalidArgument(path + ": unknown key \"" + key + "\"");
    }
    Status s = it->second(kv.second, config);
    if (!s.ok()) return s.WithPrefix(path + ": " + key);
  }
  return Status::Ok();
}

// KubeRay's gates and their parsing live with the rules that use them.
Result<std::map<std::string, bool>> ParseFeatureGates(std::string_view text) {
  return rules::ParseFeatureGates(text);
}

Status ParseListen(std::string_view text, std::string* host, int* port) {
  std::size_t colon = text.rfind(':');
  if (colon == text.npos) {
    return Status::InvalidArgument("--listen must be HOST:PORT, got \"" +
                                   std::string(text) + "\"");
  }
  std::string h(text.substr(0, colon));
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  const std::string p(text.substr(colon + 1));
  char* end = nullptr;
  long v = std::strtol(p.c_str(), &end, 10);
  if (p.empty() || *end != '\0' || v < 0 || v > 65535) {
    return Status::InvalidArgument("--listen port must be 0-65535, got \"" +
                                   p + "\"");
  }
  *host = h.empty() ? "0.0.0.0" : h;
  *port = static_cast<int>(v);
  return Status::Ok();
}

Result<std::chrono::milliseconds> ParseSeconds(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !(v >= 0) || v > 86400) {
    return Status::InvalidArgument("must be seconds (0-86400), got \"" + s +
                                   "\"");
  }
  return std::chrono::milliseconds(static_cast<long long>(v * 1000));
}

}  // namespace rayguard::server
