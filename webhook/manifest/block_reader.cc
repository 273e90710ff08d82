// The fast path of ReadYaml. yaml-cpp's scanner costs ~0.3 ms for a 4 KB
// manifest (regex matching per character); kubectl manifests use a small
// block-style subset of YAML that a line-oriented reader handles in a
// fraction of that. Anything outside the subset, including every error,
// is "not handled" and goes to the general reader, so this reader never has
// to decide what is wrong. tests/unit/manifest/block_reader_test.cc and
// tests/fuzz/block_reader_fuzzer.cc hold it equal to the general reader.
#include "webhook/manifest/internal/block_reader.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "webhook/core/json_pointer.h"

namespace rayguard::manifest::internal {
namespace {

using nlohmann::json;

// Thrown inside the reader when the text leaves the subset; caught in
// ReadBlockYaml.
struct NotHandled {};

[[noreturn]] void Punt() { throw NotHandled{}; }

struct Line {
  std::string_view text;  // without '\n'
  int indent = 0;         // leading spaces
  bool blank = false;     // spaces only
  bool comment = false;   // spaces, then '#'
  bool has_tab = false;
};

bool IsSpace(char c) { return c == ' '; }

// Characters that cannot start a plain scalar or key here (c-indicator).
bool IsIndicator(char c) {
  switch (c) {
    case '-':
    case '?':
    case ':':
    case ',':
    case '[':
    case ']':
    case '{':
    case '}':
    case '#':
    case '&':
    case '*':
    case '!':
    case '|':
    case '>':
    case '\'':
    case '"':
    case '%':
    case '@':
    case '`':
      return true;
    default:
      return false;
  }
}

// pointer + "/" + the escaped key, with one allocation.
std::string ChildPointer(const std::string& pointer, const std::string& key) {
  std::string child;
  child.reserve(pointer.size() + 1 + key.size());
  child.append(pointer).push_back('/');
  if (key.find_first_of("~/") == std::string::npos) {
    child.append(key);
  } else {
    child.append(EscapePointerToken(key));
  }
  return child;
}

// sigs.k8s.io/yaml turns non-string keys into their JSON text.
std::string KeyString(const json& key) {
  return key.is_string() ? key.get<std::string>() : key.dump();
}

// Whether a plain scalar starting with `c` may resolve to something other
// than the string itself: YAML 1.1 booleans (y, n, yes, on, true, false,
// off...) and nulls (~, null), numbers, .nan and .inf. Keys and values
// starting with any other character (most of a manifest) skip resolution.
bool MayResolve(char c) {
  switch (c) {
    case 'y':
    case 'Y':
    case 'n':
    case 'N':
    case 't':
    case 'T':
    case 'f':
    case 'F':
    case 'o':
    case 'O':
    case '~':
    case '.':
    case '+':
    case '-':
      return true;
    default:
      return c >= '0' && c <= '9';
  }
}

json ResolvePlain(std::string_view s) {
  if (!s.empty() && !MayResolve(s[0])) return json(std::string(s));
  json v;
  if (!ResolvePlainScalar(std::string(s), &v).ok()) Punt();
  return v;
}

void AppendUtf8(std::uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A quoted scalar that ends on its line, starting at text[at]. Sets *end
// past the closing quote.
std::string ParseQuoted(std::string_view text, std::size_t at,
                        std::size_t* end) {
  const char quote = text[at];
  std::string out;
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        out.push_back('\'');
        ++i;
        continue;
      }
      *end = i + 1;
      return out;
    }
    if (c == '\t') Punt();
    if (quote == '\'' || c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= text.size()) Punt();
    switch (text[i]) {
      case '\\':
      case '"':
      case '/':
        out.push_back(text[i]);
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        if (i + 4 >= text.size()) Punt();
        std::uint32_t cp = 0;
        for (int k = 1; k <= 4; ++k) {
          const char h = text[i + k];
          const int d = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
          if (d < 0) Punt();
          cp = cp * 16 + d;
        }
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp >= 0xFFFE) {
          Punt();
        }
        AppendUtf8(cp, &out);
        i += 4;
        break;
      }
      default:
        Punt();
    }
  }
  Punt();  // continues on the next line
}

// After a value: nothing, or a comment after at least one space.
void ExpectLineEnd(std::string_view text, std::size_t i) {
  const std::size_t value_end = i;
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (i == text.size()) return;
  if (text[i] == '#' && i > value_end) return;
  Punt();
}

bool IsDashAt(const Line& line, int col) {
  const std::size_t c = col;
  return c < line.text.size() && line.text[c] == '-' &&
         (c + 1 == line.text.size() || line.text[c + 1] == ' ');
}

struct Key {
  std::string text;
  std::size_t rest = 0;  // offset just past the ':'
};

class BlockReader {
 public:
  BlockReader(std::string_view text, const YamlLimits& limits)
      : text_(text), limits_(limits) {}

  YamlStream Read() {
    if (HasUnusualBytes(text_)) Punt();
    SplitLines();
    YamlStream out;
    std::size_t begin = 0;
    int index = 0;
    std::optional<std::size_t> separator;
    for (std::size_t i = 0; i <= lines_.size(); ++i) {
      if (i < lines_.size() && !IsSeparator(lines_[i])) continue;
      if (separator.has_value() || NextContent(begin, i) < i) {
        ReadDocument(begin, i, index++, separator, &out);
      }
      separator = i;
      begin = i + 1;
    }
    return out;
  }

 private:
  void SplitLines() {
    std::size_t start = 0;
    while (start < text_.size()) {
      std::size_t nl = text_.find('\n', start);
      if (nl == std::string_view::npos) nl = text_.size();
      Line line;
      line.text = text_.substr(start, nl - start);
      while (static_cast<std::size_t>(line.indent) < line.text.size() &&
             line.text[line.indent] == ' ') {
        ++line.indent;
      }
      line.blank = static_cast<std::size_t>(line.indent) == line.text.size();
      line.comment = !line.blank && line.text[line.indent] == '#';
      line.has_tab = line.text.find('\t') != std::string_view::npos;
      // A tab where indentation ends is indentation to YAML.
      if (!line.blank && line.text[line.indent] == '\t') Punt();
      if (line.blank && line.has_tab) Punt();
      lines_.push_back(line);
      start = nl + 1;
    }
    ends_with_newline_ = !text_.empty() && text_.back() == '\n';
  }

  // "---" alone (or before a comment) at column 1 separates documents;
  // other document markers and directives are left to the general reader.
  static bool IsSeparator(const Line& line) {
    std::string_view t = line.text;
    if (t.substr(0, 3) == "..." || (!t.empty() && t[0] == '%')) Punt();
    if (t.substr(0, 3) != "---") return false;
    if (t.size() == 3) return true;
    if (t[3] != ' ') Punt();
    std::size_t i = 3;
    while (i < t.size() && t[i] == ' ') ++i;
    if (i < t.size() && t[i] != '#') Punt();
    return true;
  }

  // The first line in [i, end) that is neither blank nor a comment.
  std::size_t NextContent(std::size_t i, std::size_t end) const {
    while (i < end && (lines_[i].blank || lines_[i].comment)) ++i;
    return i;
  }
  std::size_t NextContent(std::size_t i) const { return NextContent(i, end_); }

  void ReadDocument(std::size_t begin, std::size_t end, int index,
                    std::optional<std::size_t> separator, YamlStream* out) {
    end_ = end;
    const std::size_t first = NextContent(begin);
    if (first == end_) return;  // an empty document still takes an index
    map_ = std::make_shared<SourceMap>();
    YamlDocument doc;
    doc.index = index;
    const int indent = lines_[first].indent;
    doc.start = separator ? SourcePosition{static_cast<int>(*separator) + 1, 1}
                          : Position(first, indent);
    (*map_)[""] = Position(first, indent);
    ParseCollection(first, indent, "", 0, &doc.value);
    if (NextContent(pos_) != end_) Punt();
    doc.source_map = std::move(map_);
    out->documents.push_back(std::move(doc));
  }

  static SourcePosition Position(std::size_t line, std::size_t col) {
    return {static_cast<int>(line) + 1, static_cast<int>(col) + 1};
  }

  // A block map or sequence whose first entry starts at lines_[li][col].
  void ParseCollection(std::size_t li, int col, const std::string& pointer,
                       int depth, json* out) {
    if (IsDashAt(lines_[li], col)) {
      if (col != lines_[li].indent) Punt();  // "- - x"
      ParseSequence(li, col, pointer, depth, out);
    } else {
      ParseMap(li, col, pointer, depth, out);
    }
  }

  void ParseMap(std::size_t li, int col, const std::string& pointer, int depth,
                json* out) {
    if (depth >= limits_.max_depth) Punt();
    *out = json::object();
    while (true) {
      const Line& line = lines_[li];
      if (line.has_tab) Punt();
      Key key = ParseKey(line.text, col);
      if (out->contains(key.text)) Punt();  // duplicate, or a merge
      std::string child = ChildPointer(pointer, key.text);
      (*map_)[child] = Position(li, col);
      json& slot = (*out)[key.text];
      pos_ = li + 1;
      ParseValue(li, key.rest, col, /*dash=*/false, child, depth + 1, &slot,
                 nullptr);
      const std::size_t next = NextContent(pos_);
      if (next == end_ || lines_[next].indent < col) return;
      if (lines_[next].indent > col || IsDashAt(lines_[next], col)) Punt();
      li = next;
    }
  }

  void ParseSequence(std::size_t li, int col, const std::string& pointer,
                     int depth, json* out) {
    if (depth >= limits_.max_depth) Punt();
    *out = json::array();
    while (true) {
      const Line& line = lines_[li];
      if (line.has_tab) Punt();
      std::string child = pointer + "/" + std::to_string(out->size());
      json item;
      SourcePosition mark;
      pos_ = li + 1;
      ParseValue(li, col + 1, col, /*dash=*/true, child, depth + 1, &item,
                 &mark);
      (*map_)[child] = mark;
      out->push_back(std::move(item));
      const std::size_t next = NextContent(pos_);
      if (next == end_ || lines_[next].indent < col) return;
      if (lines_[next].indent > col) Punt();
      if (!IsDashAt(lines_[next], col)) return;  // the parent map goes on
      li = next;
    }
  }

  // The value of a map entry or sequence item whose text begins at
  // lines_[li][at] (after "key:" or "-"); `indent` is the entry's column.
  // Sets *mark (when asked) to where the general reader places the node.
  void ParseValue(std::size_t li, std::size_t at, int indent, bool dash,
                  const std::string& pointer, int depth, json* out,
                  SourcePosition* mark) {
    std::string_view text = lines_[li].text;
    std::size_t i = at;
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i == text.size() || text[i] == '#') {
      const std::size_t next = NextContent(pos_);
      const bool nested = next < end_ && lines_[next].indent > indent;
      // A map's sequence may sit at the map's own indentation.
      const bool same_column_sequence = !dash && next < end_ &&
                                        lines_[next].indent == indent &&
                                        IsDashAt(lines_[next], indent);
      if (nested || same_column_sequence) {
        if (mark) *mark = Position(next, lines_[next].indent);
        ParseCollection(next, lines_[next].indent, pointer, depth, out);
        return;
      }
      if (dash) Punt();  // an empty item: yaml-cpp marks it oddly
      *out = nullptr;
      return;
    }
    if (mark) *mark = Position(li, i);
    if (dash && IsDashAt(lines_[li], i)) Punt();  // "- - x"
    if (dash && LooksLikeKey(text, i)) {
      ParseMap(li, static_cast<int>(i), pointer, depth, out);
      return;
    }
    ParseInlineValue(li, i, indent, pointer, depth, out);
  }

  bool LooksLikeKey(std::string_view text, std::size_t at) const {
    try {
      (void)ParseKey(text, at);
      return true;
    } catch (const NotHandled&) {
      return false;
    }
  }

  // "key:" at text[at], followed by a space or the end of the line.
  static Key ParseKey(std::string_view text, std::size_t at) {
    Key key;
    if (text[at] == '"' || text[at] == '\'') {
      std::size_t end = 0;
      key.text = ParseQuoted(text, at, &end);
      if (end >= text.size() || text[end] != ':' ||
          (end + 1 < text.size() && text[end + 1] != ' ')) {
        Punt();
      }
      key.rest = end + 1;
      return key;
    }
    if (IsIndicator(text[at])) Punt();
    std::size_t colon = at;
    for (; colon < text.size(); ++colon) {
      if (text[colon] == '#' && text[colon - 1] == ' ') Punt();
      if (text[colon] == ':' &&
          (colon + 1 == text.size() || text[colon + 1] == ' ')) {
        break;
      }
    }
    // yaml-cpp gives up on simple keys longer than 1024 characters.
    if (colon == text.size() || text[colon - 1] == ' ' || colon - at > 1000) {
      Punt();
    }
    std::string_view raw = text.substr(at, colon - at);
    if (raw == "<<") Punt();  // merge key
    key.text = !raw.empty() && !MayResolve(raw[0])
                   ? std::string(raw)
                   : KeyString(ResolvePlain(raw));
    key.rest = colon + 1;
    return key;
  }

  // A scalar, block scalar or one-line flow collection at lines_[li][at].
  void ParseInlineValue(std::size_t li, std::size_t at, int indent,
                        const std::string& pointer, int depth, json* out) {
    std::string_view text = lines_[li].text;
    const char c = text[at];
    if (c == '|' || c == '>') {
      *out = ParseBlockScalar(li, at, indent);
      return;
    }
    if (c == '"' || c == '\'') {
      std::size_t end = 0;
      *out = ParseQuoted(text, at, &end);
      ExpectLineEnd(text, end);
    } else if (c == '[') {
      if (depth >= limits_.max_depth) Punt();
      ParseFlowSequence(li, at, pointer, out);
    } else if (c == '{') {
      if (depth >= limits_.max_depth) Punt();
      std::size_t i = at + 1;
      while (i < text.size() && IsSpace(text[i])) ++i;
      if (i == text.size() || text[i] != '}') Punt();  // only {}
      *out = json::object();
      ExpectLineEnd(text, i + 1);
    } else {
      *out = ResolvePlain(PlainScalar(text, at));
    }
    // A more indented line would continue the value (or be an error).
    const std::size_t next = NextContent(pos_);
    if (next < end_ && lines_[next].indent > indent) Punt();
  }

  // A one-line plain scalar in block context, comment and spaces trimmed.
  static std::string_view PlainScalar(std::string_view text, std::size_t at) {
    const char c = text[at];
    if (IsIndicator(c) &&
        !(c == '-' && at + 1 < text.size() && text[at + 1] != ' ')) {
      Punt();
    }
    std::size_t end = at;
    for (; end < text.size(); ++end) {
      if (text[end] == '#' && text[end - 1] == ' ') break;
      if (text[end] == ':' &&
          (end + 1 == text.size() || text[end + 1] == ' ')) {
        Punt();  // a key where a value belongs
      }
    }
    while (end > at && IsSpace(text[end - 1])) --end;
    return text.substr(at, end - at);
  }

  // [a, "b", 1] on one line: scalars only.
  void ParseFlowSequence(std::size_t li, std::size_t at,
                         const std::string& pointer, json* out) {
    std::string_view text = lines_[li].text;
    *out = json::array();
    std::size_t i = at + 1;
    auto skip_spaces = [&] {
      while (i < text.size() && IsSpace(text[i])) ++i;
    };
    skip_spaces();
    if (i < text.size() && text[i] == ']') {
      ExpectLineEnd(text, i + 1);
      return;
    }
    while (true) {
      skip_spaces();
      if (i == text.size()) Punt();
      const std::size_t start = i;
      json item;
      if (text[i] == '"' || text[i] == '\'') {
        item = ParseQuoted(text, i, &i);
      } else {
        const char c = text[i];
        if (IsIndicator(c) &&
            !(c == '-' && i + 1 < text.size() && text[i + 1] != ' ' &&
              text[i + 1] != ',' && text[i + 1] != ']')) {
          Punt();
        }
        std::size_t end = i;
        for (; end < text.size() && text[end] != ',' && text[end] != ']';
             ++end) {
          const char d = text[end];
          // yaml-cpp also refuses a '?' inside a flow plain scalar.
          if (d == ':' || d == '[' || d == '{' || d == '}' || d == '#' ||
              d == '?') {
            Punt();
          }
        }
        std::size_t trimmed = end;
        while (trimmed > i && IsSpace(text[trimmed - 1])) --trimmed;
        item = ResolvePlain(text.substr(i, trimmed - i));
        i = end;
      }
      (*map_)[pointer + "/" + std::to_string(out->size())] =
          Position(li, start);
      out->push_back(std::move(item));
      skip_spaces();
      if (i == text.size()) Punt();
      if (text[i] == ']') break;
      if (text[i] != ',') Punt();
      ++i;
      skip_spaces();
      if (i < text.size() && text[i] == ']') Punt();  // trailing comma
    }
    ExpectLineEnd(text, i + 1);
  }

  // `|`, `|-`, `>` or `>-` at lines_[li][at]; content is indented more
  // than `indent`. Leaves pos_ at the first line after the content.
  std::string ParseBlockScalar(std::size_t li, std::size_t at, int indent) {
    std::string_view header = lines_[li].text.substr(at);
    const bool folded = header[0] == '>';
    std::size_t h = 1;
    const bool strip = h < header.size() && header[h] == '-';
    if (strip) ++h;
    while (h < header.size() && IsSpace(header[h])) ++h;
    if (h != header.size()) Punt();  // keep, indentation digit, comment
    std::size_t first = pos_;
    std::size_t leading_width = 0;
    while (first < end_ && lines_[first].blank) {
      leading_width = std::max(leading_width, lines_[first].text.size());
      ++first;
    }
    if (first == end_ || lines_[first].indent <= indent) Punt();  // empty
    const int content = lines_[first].indent;
    if (leading_width > static_cast<std::size_t>(content)) Punt();
    std::vector<std::string_view> body(first - pos_, std::string_view());
    std::size_t last_text = 0;  // body lines up to the last non-empty one
    std::size_t i = first;
    for (; i < end_; ++i) {
      const Line& line = lines_[i];
      if (line.blank && line.text.size() <= static_cast<std::size_t>(content)) {
        body.emplace_back();
        continue;
      }
      if (line.indent < content) {
        if (line.indent > indent) Punt();
        break;
      }
      body.push_back(line.text.substr(content));
      last_text = body.size();
    }
    if (i == lines_.size() && !ends_with_newline_) Punt();
    pos_ = i;
    body.resize(last_text);
    std::string out = folded ? Fold(body) : Join(body);
    if (!strip) out.push_back('\n');
    return out;
  }

  static std::string Join(const std::vector<std::string_view>& body) {
    std::string out;
    for (std::size_t k = 0; k < body.size(); ++k) {
      if (k > 0) out.push_back('\n');
      out.append(body[k]);
    }
    return out;
  }

  // Folding: a line break between two lines of text becomes a space (or,
  // with empty lines between them, one line break per empty line); breaks
  // next to more-indented lines are kept.
  static std::string Fold(const std::vector<std::string_view>& body) {
    std::string out;
    std::size_t empties = 0;
    bool started = false, previous_spaced = false;
    for (std::string_view l : body) {
      if (l.empty()) {
        ++empties;
        continue;
      }
      const bool spaced = l[0] == ' ' || l[0] == '\t';
      if (spaced && l.find_first_not_of(" \t") == std::string_view::npos) {
        Punt();  // white space only, beyond the indentation
      }
      if (!started) {
        out.append(empties, '\n');
      } else if (spaced || previous_spaced) {
        out.append(empties + 1, '\n');
      } else {
        out.append(empties == 0 ? std::string(" ")
                                : std::string(empties, '\n'));
      }
      started = true;
      previous_spaced = spaced;
      empties = 0;
      out.append(l);
    }
    return out;
  }

  std::string_view text_;
  const YamlLimits& limits_;
  std::vector<Line> lines_;
  bool ends_with_newline_ = false;
  std::size_t end_ = 0;  // end of the current document's lines
  std::size_t pos_ = 0;  // the first line not yet consumed
  std::shared_ptr<SourceMap> map_;
};

}  // namespace

namespace {

// Bytes that may start something HasUnusualBytes looks for. A table lookup
// per byte keeps the scan (every manifest's every byte) cheap.
constexpr std::array<bool, 256> kMayBeUnusual = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = c != '\n' && c != '\t';
  t[0x7F] = t[0xC2] = t[0xE2] = t[0xEF] = true;
  for (int c = 0xF5; c < 0x100; ++c) t[c] = true;
  return t;
}();

bool IsUnusualAt(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x20 || c == 0x7F) return true;
  // Never in UTF-8; a UTF-16 BOM (FE FF, FF FE) spares the text the UTF-8
  // check, and yaml-cpp then reads it as UTF-16.
  if (c >= 0xF5) return true;
  if (c == 0xC2) {
    return i + 1 < text.size() &&
           static_cast<unsigned char>(text[i + 1]) < 0xA0;  // C1, NEL
  }
  if (c == 0xE2) {
    return text.substr(i, 2) == "\xE2\x80" && i + 2 < text.size() &&
           (text[i + 2] == '\xA8' || text[i + 2] == '\xA9');  // LS, PS
  }
  return text.substr(i, 3) == "\xEF\xBB\xBF" ||  // BOM, non-characters
         text.substr(i, 3) == "\xEF\xBF\xBE" ||
         text.substr(i, 3) == "\xEF\xBF\xBF";
}

// Whether the eight bytes of `w` are all printable ASCII (0x20 to 0x7E).
bool AllPrintableAscii(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t below_space = (w - 0x20 * kOnes) & ~w & kHigh;
  const std::uint64_t x = w ^ (0x7F * kOnes);
  const std::uint64_t is_del = (x - kOnes) & ~x & kHigh;
  return ((w & kHigh) | below_space | is_del) == 0;
}

}  // namespace

bool HasUnusualBytes(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    // Most of a manifest is printable ASCII: eight bytes at a time.
    std::uint64_t word;
    if (i + 8 <= text.size()) {
      std::memcpy(&word, text.data() + i, 8);
      if (AllPrintableAscii(word)) {
        i += 8;
        continue;
      }
    }
    const std::size_t end = std::min(i + 8, text.size());
    for (; i < end; ++i) {
      if (kMayBeUnusual[static_cast<unsigned char>(text[i])] &&
          IsUnusualAt(text, i)) {
        return true;
      }
    }
  }
  return false;
}

std::optional<YamlStream> ReadBlockYaml(std::string_view text,
                                        const YamlLimits& limits) {
  try {
    return BlockReader(text, limits).Read();
  } catch (const NotHandled&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;  // e.g. out of memory: the general reader reports it
  }
}

}  // namespace rayguard::manifest::internal
