// The common case (plain, machine-written JSON) is read in one pass by
// ParseFastJson. Anything it leaves takes the exact path here: a tight scan
// measures the nesting and counts the keys (every ':' outside a string
// separates one key from its value) before nlohmann builds anything. If the
// built document holds fewer members than the text has keys, some key was
// repeated, and a slower second pass names it.
#include "webhook/admission/strict_json.h"

#include <set>
#include <string>
#include <vector>

#include "webhook/admission/fast_json.h"

namespace rayguard::admission {
namespace {

using nlohmann::json;

struct Shape {
  int max_depth = 0;
  std::size_t deepest_offset = 0;  // where nesting first passed the limit
  std::size_t keys = 0;
};

Shape Scan(std::string_view text, int limit) {
  Shape shape;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case ':': ++shape.keys; break;
      case '[':
      case '{':
        if (++depth > shape.max_depth) {
          shape.max_depth = depth;
          if (depth == limit + 1) shape.deepest_offset = i;
        }
        break;
      case ']':
      case '}': --depth; break;
      default: break;
    }
  }
  return shape;
}

// Object members in the built document, counted without recursion (the
// nesting may be thousands of levels deep).
std::size_t CountMembers(const json& root) {
  std::size_t members = 0;
  std::vector<const json*> pending = {&root};
  while (!pending.empty()) {
    const json* v = pending.back();
    pending.pop_back();
    if (v->is_object()) members += v->size();
    if (!v->is_structured()) continue;
    for (const json& child : *v) {
      if (child.is_structured()) pending.push_back(&child);
    }
  }
  return members;
}

// A SAX pass that stops at the first key repeated within one object and
// remembers its path ("request.object.spec.replicas").
class DuplicateFinder : public nlohmann::json_sax<json> {
 public:
  std::string duplicate;

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override {
    return Value();
  }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    Value();
    frames_.push_back({true, {}, "", 0});
    return true;
  }
  bool key(string_t& key) override {
    Frame& f = frames_.back();
    f.key = key;
    if (f.keys.insert(key).second) return true;
    duplicate = Path();
    return false;  // stops the parse
  }
  bool end_object() override { return Pop(); }
  bool start_array(std::size_t) override {
    Value();
    frames_.push_back({false, {}, "", 0});
    return true;
  }
  bool end_array() override { return Pop(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;    // the member being read, in an object
    std::size_t index;  // the next element's index, in an array
  };

  // A value (scalar or container) starts: in an array it takes an index.
  bool Value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }
  bool Pop() {
    frames_.pop_back();
    return true;
  }
  std::string Path() const {
    std::string path;
    for (const Frame& f : frames_) {
      if (f.object) {
        if (!path.empty()) path += '.';
        path += f.key;
      } else {
        path += '[';
        path += std::to_string(f.index - 1);
        path += ']';
      }
    }
    return path;
  }

  std::vector<Frame> frames_;
};

}  // namespace

Result<json> ParseStrictJson(std::string_view text, int max_depth) {
  if (json fast; ParseFastJson(text, max_depth, &fast)) return fast;
  const Shape shape = Scan(text, max_depth);
  if (shape.max_depth > max_depth) {
    return Status::InvalidArgument(
        "malformed JSON: nested deeper than " + std::to_string(max_depth) +
        " levels (at byte " + std::to_string(shape.deepest_offset) + ")");
  }
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for numbers beyond a double (1e400).
    return Status::InvalidArgument(std::string("malformed JSON: ") + e.what());
  }
  if (CountMembers(parsed) == shape.keys) return parsed;
  DuplicateFinder finder;
  json::sax_parse(text, &finder);
  return Status::InvalidArgument("malformed JSON: duplicate field \"" +
                                 finder.duplicate + "\"");
}

}  // namespace rayguard::admission
