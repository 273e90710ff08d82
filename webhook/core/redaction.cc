#include "webhook/core/redaction.h"

#include <algorithm>
#include <cctype>

namespace rayguard::redaction {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMinScrubbed = 4;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// One step of a path (a field name or a map key) that makes everything at
// and below it secret.
bool IsSecretStep(std::string_view step) {
  const std::string lower = Lower(step);
  if (lower == "env" || lower == "command" || lower == "args" ||
      lower == "runtimeenvyaml") {
    return true;
  }
  for (const char* word :
       {"password", "passwd", "secret", "token", "credential", "apikey",
        "api-key", "api_key", "privatekey", "private-key", "private_key"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

bool ContainsSecret(const json& value) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (IsSecretStep(key) || ContainsSecret(child)) return true;
    }
  } else if (value.is_array()) {
    for (const json& child : value) {
      if (ContainsSecret(child)) return true;
    }
  }
  return false;
}

// A copy of `value` with each secret member replaced by its description.
json RedactInside(const json& value) {
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, child] : value.items()) {
      out[key] =
          IsSecretStep(key) ? json(Describe(child)) : RedactInside(child);
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const json& child : value) out.push_back(RedactInside(child));
    return out;
  }
  return value;
}

bool IsWordByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// "1 key", "2 keys".
std::string Count(std::size_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

std::string DescribeString(std::size_t length) {
  return "<redacted: string, " + Count(length, "byte") + ">";
}

}  // namespace

bool IsSecretPath(std::string_view path) {
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t end;
    if (path[i] == '[') {
      // A map key or an index, which may itself hold dots.
      end = path.find(']', i);
      if (end == std::string_view::npos) end = path.size();
      if (IsSecretStep(path.substr(i + 1, end - i - 1))) return true;
      i = end + 1;
      continue;
    }
    if (path[i] == '.') {
      ++i;
      continue;
    }
    end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) end = path.size();
    if (IsSecretStep(path.substr(i, end - i))) return true;
    i = end;
  }
  return false;
}

std::string Describe(const json& value) {
  std::string what;
  switch (value.type()) {
    case json::value_t::string:
      return DescribeString(value.get_ref<const std::string&>().size());
    case json::value_t::object:
      what = "object, " + Count(value.size(), "key");
      break;
    case json::value_t::array:
      what = "array, " + Count(value.size(), "item");
      break;
    case json::value_t::boolean:
      what = "boolean";
      break;
    case json::value_t::null:
      what = "null";
      break;
    default:
      what = value.is_number()
                 ? "number, " + Count(value.dump().size(), "digit")
                 : "value";
  }
  return "<redacted: " + what + ">";
}

json Shown(std::string_view path, const json& value) {
  if (IsSecretPath(path)) return Describe(value);
  if (!value.is_structured() || !ContainsSecret(value)) return value;
  return RedactInside(value);
}

void Scrubber::Collect(const json& object) {
  Walk(object, false, "");
  for (auto& [prefix, bucket] : by_prefix_) {
    std::sort(bucket.begin(), bucket.end(),
              [](const Secret& a, const Secret& b) {
                return a.text.size() > b.text.size();
              });
  }
}

void Scrubber::Walk(const json& node, bool secret, std::string_view name) {
  if (node.is_object()) {
    for (const auto& [key, child] : node.items()) {
      Walk(child, secret || IsSecretStep(key), key);
    }
  } else if (node.is_array()) {
    for (const json& child : node) Walk(child, secret, name);
  } else if (secret && name != "name" && name != "key") {
    // `name` and `key` under env[] and secretKeyRef are identifiers that
    // messages legitimately mention (REDIS_PASSWORD), not secret values.
    if (node.is_string()) {
      const std::string& s = node.get_ref<const std::string&>();
      Add(s);
      // "DB_PASSWORD=hunter2" as an env entry: its value alone, too.
      if (std::size_t eq = s.find('='); eq != std::string::npos) {
        Add(s.substr(eq + 1));
      }
    } else if (node.is_number()) {
      Add(node.dump());
    }
  }
}

void Scrubber::Add(const std::string& raw) {
  if (raw.size() < kMinScrubbed) return;
  const std::string quoted =
      json(raw).dump(-1, ' ', false, json::error_handler_t::replace);
  const std::string escaped = quoted.substr(1, quoted.size() - 2);
  for (const std::string* form : {&raw, &escaped}) {
    if (!known_.insert(*form).second) continue;
    by_prefix_[form->substr(0, kMinScrubbed)].push_back({*form, raw.size()});
  }
}

std::string Scrubber::Scrub(std::string_view text) const {
  if (by_prefix_.empty() || text.size() < kMinScrubbed)
    return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const Secret* hit = nullptr;
    if (i + kMinScrubbed <= text.size()) {
      auto bucket = by_prefix_.find(std::string(text.substr(i, kMinScrubbed)));
      if (bucket != by_prefix_.end()) {
        for (const Secret& s : bucket->second) {
          const std::size_t end = i + s.text.size();
          if (text.compare(i, s.text.size(), s.text) != 0) continue;
          // Whole words only: "true" must not eat "untrue".
          if (IsWordByte(s.text.front()) && i > 0 && IsWordByte(text[i - 1])) {
            continue;
          }
          if (IsWordByte(s.text.back()) && end < text.size() &&
              IsWordByte(text[end])) {
            continue;
          }
          hit = &s;
          break;
        }
      }
    }
    if (hit == nullptr) {
      out.push_back(text[i++]);
      continue;
    }
    out += DescribeString(hit->length);
    i += hit->text.size();
  }
  return out;
}

namespace {

bool IsFreeText(const Finding& f) { return f.rule.rfind("policy/", 0) == 0; }

Scrubber ScrubberFor(const Resource& resource) {
  Scrubber scrubber;
  scrubber.Collect(resource.object);
  scrubber.Collect(resource.admission.old_object);
  return scrubber;
}

}  // namespace

void ScrubFreeText(const Resource& resource, CheckResult* result) {
  if (result->audit_annotations.empty() &&
      std::none_of(result->findings.begin(), result->findings.end(),
                   IsFreeText)) {
    return;
  }
  const Scrubber scrubber = ScrubberFor(resource);
  if (scrubber.empty()) return;
  for (Finding& f : result->findings) {
    if (IsFreeText(f)) f.message = scrubber.Scrub(f.message);
  }
  for (auto& [key, value] : result->audit_annotations) {
    value = scrubber.Scrub(value);
  }
}

Status ScrubStatus(const Resource& resource, const Status& status) {
  if (status.ok()) return status;
  return Status(status.code(), ScrubberFor(resource).Scrub(status.message()));
}

}  // namespace rayguard::redaction
