#include "webhook/mutation/json_patch.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "webhook/core/json_pointer.h"

namespace rayguard::json_patch {
namespace {

using nlohmann::json;

// ---- Diff ------------------------------------------------------------------

// `path` is a JSON Pointer built up while descending; each helper restores
// it before returning, so the whole diff allocates one string for paths.
class Differ {
 public:
  explicit Differ(json* ops) : ops_(ops) {}

  void Value(const json& a, const json& b) {
    if (a == b) return;
    if (a.is_object() && b.is_object()) return Object(a, b);
    if (a.is_array() && b.is_array()) return Array(a, b);
    Emit("replace", &b);
  }

 private:
  // Both member lists are sorted (nlohmann::json keeps objects in a
  // std::map), so one merge pass finds removed, common and added keys.
  void Object(const json& a, const json& b) {
    auto ia = a.items().begin(), ea = a.items().end();
    auto ib = b.items().begin(), eb = b.items().end();
    while (ia != ea || ib != eb) {
      int order = ia == ea ? 1 : ib == eb ? -1 : ia.key().compare(ib.key());
      if (order < 0) {
        WithToken(ia.key(), [&] { Emit("remove", nullptr); });
        ++ia;
      } else if (order > 0) {
        WithToken(ib.key(), [&] { Emit("add", &ib.value()); });
        ++ib;
      } else {
        WithToken(ia.key(), [&] { Value(ia.value(), ib.value()); });
        ++ia;
        ++ib;
      }
    }
  }

  // Trims the common head and tail, diffs the remaining elements pairwise,
  // then adds what `b` has beyond `a` or removes what `a` has beyond `b`.
  // An element inserted or dropped anywhere thus costs one operation.
  void Array(const json& a, const json& b) {
    const std::size_t n = a.size(), m = b.size();
    std::size_t head = 0;
    while (head < n && head < m && a[head] == b[head]) ++head;
    std::size_t tail = 0;
    while (tail < n - head && tail < m - head &&
           a[n - 1 - tail] == b[m - 1 - tail]) {
      ++tail;
    }
    const std::size_t len_a = n - head - tail, len_b = m - head - tail;
    const std::size_t common = std::min(len_a, len_b);
    for (std::size_t i = 0; i < common; ++i) {
      WithIndex(head + i, [&] { Value(a[head + i], b[head + i]); });
    }
    for (std::size_t j = common; j < len_b; ++j) {
      if (tail == 0) {
        WithToken("-", [&] { Emit("add", &b[head + j]); });
      } else {
        WithIndex(head + j, [&] { Emit("add", &b[head + j]); });
      }
    }
    for (std::size_t j = len_a; j > common; --j) {
      WithIndex(head + j - 1, [&] { Emit("remove", nullptr); });
    }
  }

  template <typename F>
  void WithToken(std::string_view token, F&& f) {
    const std::size_t size = path_.size();
    path_ += '/';
    if (token.find_first_of("~/") == std::string_view::npos) {
      path_ += token;
    } else {
      path_ += EscapePointerToken(token);
    }
    f();
    path_.resize(size);
  }

  template <typename F>
  void WithIndex(std::size_t index, F&& f) {
    WithToken(std::to_string(index), std::forward<F>(f));
  }

  void Emit(const char* op, const json* value) {
    json o = {{"op", op}, {"path", path_}};
    if (value != nullptr) o["value"] = *value;
    ops_->push_back(std::move(o));
  }

  json* ops_;
  std::string path_;
};

// ---- Apply -----------------------------------------------------------------

using Tokens = std::vector<std::string>;

Result<Tokens> ParsePointer(const json& pointer) {
  if (!pointer.is_string()) {
    return Status::InvalidArgument("path must be a string");
  }
  const std::string& p = pointer.get_ref<const std::string&>();
  Tokens tokens;
  if (p.empty()) return tokens;
  if (p[0] != '/') {
    return Status::InvalidArgument("path \"" + p + "\" must start with '/'");
  }
  std::size_t start = 1;
  while (true) {
    std::size_t end = p.find('/', start);
    std::string_view raw(p.data() + start,
                         (end == std::string::npos ? p.size() : end) - start);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' &&
          (i + 1 == raw.size() || (raw[i + 1] != '0' && raw[i + 1] != '1'))) {
        return Status::InvalidArgument("path \"" + p +
                                       "\" has a bad '~' escape");
      }
    }
    tokens.push_back(UnescapePointerToken(raw));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return tokens;
}

// RFC 6901 array index: "0" or digits without a leading zero, within `limit`.
Result<std::size_t> ParseIndex(const std::string& token, std::size_t limit) {
  bool digits = !token.empty() && token.size() <= 18 &&
                std::all_of(token.begin(), token.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || (token.size() > 1 && token[0] == '0')) {
    return Status::InvalidArgument("\"" + token + "\" is not an array index");
  }
  std::size_t index = std::stoull(token);
  if (index > limit) {
    return Status::InvalidArgument("index " + token + " is out of range");
  }
  return index;
}

// The node at tokens[0, count), or NotFound-style InvalidArgument.
Result<json*> Resolve(json* doc, const Tokens& tokens, std::size_t count) {
  json* node = doc;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& t = tokens[i];
    if (node->is_object()) {
      auto it = node->find(t);
      if (it == node->end()) {
        return Status::InvalidArgument("member \"" + t + "\" not found");
      }
      node = &*it;
    } else if (node->is_array()) {
      if (node->empty()) {
        return Status::InvalidArgument("index " + t + " is out of range");
      }
      Result<std::size_t> index = ParseIndex(t, node->size() - 1);
      if (!index.ok()) return index.status();
      node = &(*node)[*index];
    } else {
      return Status::InvalidArgument("cannot descend into a " +
                                     std::string(node->type_name()) + " at \"" +
                                     t + "\"");
    }
  }
  return node;
}

Status Add(json* doc, const Tokens& path, json value) {
  if (path.empty()) {
    *doc = std::move(value);
    return Status::Ok();
  }
  Result<json*> parent = Resolve(doc, path, path.size() - 1);
  if (!parent.ok()) return parent.status();
  json& p = **parent;
  const std::string& last = path.back();
  if (p.is_object()) {
    p[last] = std::move(value);
  } else if (p.is_array()) {
    if (last == "-") {
      p.push_back(std::move(value));
      return Status::Ok();
    }
    Result<std::size_t> index = ParseIndex(last, p.size());
    if (!index.ok()) return index.status();
    p.insert(p.begin() + static_cast<std::ptrdiff_t>(*index), std::move(value));
  } else {
    return Status::InvalidArgument("parent is a " + std::string(p.type_name()) +
                                   ", not an object or array");
  }
  return Status::Ok();
}

Result<json> Remove(json* doc, const Tokens& path) {
  if (path.empty()) {
    return Status::InvalidArgument("cannot remove the whole document");
  }
  Result<json*> parent = Resolve(doc, path, path.size() - 1);
  if (!parent.ok()) return parent.status();
  json& p = **parent;
  const std::string& last = path.back();
  if (p.is_object()) {
    auto it = p.find(last);
    if (it == p.end()) {
      return Status::InvalidArgument("member \"" + last + "\" not found");
    }
    json removed = std::move(*it);
    p.erase(it);
    return removed;
  }
  if (p.is_array()) {
    if (p.empty()) {
      return Status::InvalidArgument("index " + last + " is out of range");
    }
    Result<std::size_t> index = ParseIndex(last, p.size() - 1);
    if (!index.ok()) return index.status();
    json removed = std::move(p[*index]);
    p.erase(p.begin() + static_cast<std::ptrdiff_t>(*index));
    return removed;
  }
  return Status::InvalidArgument("parent is a " + std::string(p.type_name()));
}

bool IsProperPrefix(const Tokens& prefix, const Tokens& path) {
  return prefix.size() < path.size() &&
         std::equal(prefix.begin(), prefix.end(), path.begin());
}

// The member `key` of `op`, or nullptr.
const json* Member(const json& op, const char* key) {
  auto it = op.find(key);
  return it == op.end() ? nullptr : &*it;
}

// True when an add or replace would store the value already there (or the
// op is a test): such operations leave the document as it was.
bool IsNoOp(json* doc, const std::string& kind, const Tokens& path,
            const json& value) {
  if (kind == "test") return true;
  if (kind != "add" && kind != "replace") return false;
  if (path.empty()) return *doc == value;
  if (kind == "add") {
    // An add into an array inserts, whatever is at the index.
    Result<json*> parent = Resolve(doc, path, path.size() - 1);
    if (!parent.ok() || !(*parent)->is_object()) return false;
  }
  Result<json*> target = Resolve(doc, path, path.size());
  return target.ok() && **target == value;
}

Status ApplyOne(json* doc, const json& op, bool* changed) {
  if (!op.is_object()) return Status::InvalidArgument("not an object");
  const json* name = Member(op, "op");
  if (name == nullptr || !name->is_string()) {
    return Status::InvalidArgument("missing \"op\"");
  }
  const std::string& kind = name->get_ref<const std::string&>();
  const json* path_value = Member(op, "path");
  if (path_value == nullptr) return Status::InvalidArgument("missing \"path\"");
  Result<Tokens> path = ParsePointer(*path_value);
  if (!path.ok()) return path.status();
  const json* value = Member(op, "value");
  bool needs_value = kind == "add" || kind == "replace" || kind == "test";
  if (needs_value && value == nullptr) {
    return Status::InvalidArgument("missing \"value\"");
  }
  // An add or replace of the value already there changes nothing (the path
  // exists, so it cannot fail either); tests never change anything.
  bool no_op = value != nullptr && IsNoOp(doc, kind, *path, *value);
  if (no_op && kind != "test") return Status::Ok();
  if (changed != nullptr && !no_op) *changed = true;
  if (kind == "add") return Add(doc, *path, *value);
  if (kind == "remove") return Remove(doc, *path).status();
  if (kind == "replace") {
    Result<json*> target = Resolve(doc, *path, path->size());
    if (!target.ok()) return target.status();
    **target = *value;
    return Status::Ok();
  }
  if (kind == "test") {
    Result<json*> target = Resolve(doc, *path, path->size());
    if (!target.ok()) return target.status();
    if (**target != *value) {
      return Status::InvalidArgument("test failed: value is " +
                                     (*target)->dump());
    }
    return Status::Ok();
  }
  if (kind != "move" && kind != "copy") {
    return Status::InvalidArgument("unknown op \"" + kind + "\"");
  }
  const json* from_value = Member(op, "from");
  if (from_value == nullptr) return Status::InvalidArgument("missing \"from\"");
  Result<Tokens> from = ParsePointer(*from_value);
  if (!from.ok()) return from.status();
  if (kind == "copy") {
    Result<json*> source = Resolve(doc, *from, from->size());
    if (!source.ok()) return source.status();
    return Add(doc, *path, **source);
  }
  if (IsProperPrefix(*from, *path)) {
    return Status::InvalidArgument("cannot move a value into its own child");
  }
  Result<json> moved = Remove(doc, *from);
  if (!moved.ok()) return moved.status();
  return Add(doc, *path, std::move(moved).value());
}

std::string Describe(const json& op) {
  if (!op.is_object()) return "";
  auto name = op.find("op");
  auto path = op.find("path");
  std::string out;
  if (name != op.end() && name->is_string()) out += name->get<std::string>();
  if (path != op.end() && path->is_string()) {
    out += " " + path->get<std::string>();
  }
  return out.empty() ? "" : " (" + out + ")";
}

}  // namespace

nlohmann::json Diff(const nlohmann::json& original,
                    const nlohmann::json& mutated) {
  json ops = json::array();
  Differ(&ops).Value(original, mutated);
  return ops;
}

Status ApplyInPlace(nlohmann::json* document, const nlohmann::json& patch,
                    bool* changed) {
  if (!patch.is_array()) {
    return Status::InvalidArgument("JSON patch must be an array of operations");
  }
  for (std::size_t i = 0; i < patch.size(); ++i) {
    Status s = ApplyOne(document, patch[i], changed);
    if (!s.ok()) {
      return s.WithPrefix("patch operation " + std::to_string(i) +
                          Describe(patch[i]));
    }
  }
  return Status::Ok();
}

Result<nlohmann::json> Apply(const nlohmann::json& document,
                             const nlohmann::json& patch) {
  json copy = document;
  Status s = ApplyInPlace(&copy, patch);
  if (!s.ok()) return s;
  return copy;
}

}  // namespace rayguard::json_patch
