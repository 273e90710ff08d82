#include "webhook/core/field_path.h"

#include "webhook/core/json_pointer.h"

namespace rayguard {

FieldPath FieldPath::Child(std::string_view name) const {
  FieldPath p = *this;
  if (!p.text_.empty()) p.text_ += '.';
  p.text_ += name;
  return p;
}

FieldPath FieldPath::Index(std::size_t i) const {
  FieldPath p = *this;
  p.text_ += '[' + std::to_string(i) + ']';
  return p;
}

FieldPath FieldPath::Key(std::string_view key) const {
  FieldPath p = *this;
  p.text_ += '[';
  p.text_ += key;
  p.text_ += ']';
  return p;
}

std::string FieldPathToPointer(std::string_view path) {
  std::string out;
  std::string token;
  auto flush = [&] {
    if (!token.empty()) out += '/' + EscapePointerToken(token);
    token.clear();
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '.') {
      flush();
    } else if (c == '[') {
      flush();
      // A bracketed key may itself contain '.', so read up to the last ']'
      // that is followed by '.', '[' or the end.
      std::size_t close = i + 1;
      while (close < path.size() &&
             !(path[close] == ']' &&
               (close + 1 == path.size() || path[close + 1] == '.' ||
                path[close + 1] == '['))) {
        ++close;
      }
      out += '/' + EscapePointerToken(path.substr(i + 1, close - i - 1));
      i = close;
    } else {
      token += c;
    }
  }
  flush();
  return out;
}

}  // namespace rayguard
