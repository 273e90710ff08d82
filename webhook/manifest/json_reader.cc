// The JSON fast path of ReadYaml. JSON manifests (`kubectl get -o json`,
// generated files) are flow-style YAML, which the block reader leaves to
// yaml-cpp at ~0.3 ms per 4 KB document. A single-pass reader of strict
// JSON builds the same value and source map directly. Only text that is
// both valid JSON and read by yaml-cpp without surprises is handled;
// anything else goes to the general reader, so this reader never decides
// what is wrong. tests/unit/manifest/json_reader_test.cc (every JSON file in
// the repository, and JSON renderings of every YAML one) and
// tests/fuzz/block_reader_fuzzer.cc hold it equal to the general reader.
#include "webhook/manifest/internal/json_reader.h"

#include <cstdint>
#include <string>

#include "webhook/core/json_pointer.h"
#include "webhook/manifest/internal/block_reader.h"

namespace rayguard::manifest::internal {
namespace {

using nlohmann::json;

struct NotHandled {};

[[noreturn]] void Punt() { throw NotHandled{}; }

// yaml-cpp gives up on simple keys longer than 1024 characters (from the
// key's first character to its ':').
constexpr std::size_t kMaxKeySpan = 1000;

int HexDigit(char h) {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
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

class JsonReader {
 public:
  JsonReader(std::string_view text, const YamlLimits& limits)
      : text_(text), limits_(limits) {}

  YamlStream Read() {
    if (HasUnusualBytes(text_)) Punt();
    SkipSpace();
    if (Peek() != '{') Punt();
    map_ = std::make_shared<SourceMap>();
    YamlDocument doc;
    doc.start = Here();
    (*map_)[""] = doc.start;
    ReadObject(0, &doc.value);
    SkipSpace();
    if (i_ != text_.size()) Punt();  // a second value, or garbage
    doc.source_map = std::move(map_);
    YamlStream out;
    out.documents.push_back(std::move(doc));
    return out;
  }

 private:
  char Peek() const { return i_ < text_.size() ? text_[i_] : '\0'; }

  SourcePosition Here() const {
    return {line_, static_cast<int>(i_ - line_start_) + 1};
  }

  // JSON whitespace that YAML reads the same way: spaces and line feeds.
  // Tabs and carriage returns are left to the general reader.
  void SkipSpace() {
    for (; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      if (c == '\n') {
        ++line_;
        line_start_ = i_ + 1;
      } else if (c != ' ') {
        return;
      }
    }
  }

  void Expect(char c) {
    if (Peek() != c) Punt();
    ++i_;
  }

  // Appends "/<token>" to the current pointer; Pop restores it.
  std::size_t Push(std::string_view token) {
    const std::size_t size = pointer_.size();
    pointer_.push_back('/');
    pointer_.append(token);
    return size;
  }
  void Pop(std::size_t size) { pointer_.resize(size); }

  void ReadValue(int depth, json* out) {
    switch (Peek()) {
      case '{':
        ReadObject(depth, out);
        return;
      case '[':
        ReadArray(depth, out);
        return;
      case '"':
        *out = ReadString();
        return;
      case 't':
        *out = ReadLiteral("true", true);
        return;
      case 'f':
        *out = ReadLiteral("false", false);
        return;
      case 'n':
        *out = ReadLiteral("null", nullptr);
        return;
      default:
        *out = ReadNumber();
    }
  }

  void ReadObject(int depth, json* out) {
    if (depth >= limits_.max_depth) Punt();
    ++i_;  // '{'
    *out = json::object();
    SkipSpace();
    if (Peek() == '}') {
      ++i_;
      return;
    }
    while (true) {
      if (Peek() != '"') Punt();
      const SourcePosition key_at = Here();
      const std::size_t key_start = i_;
      std::string key = ReadString();
      // A YAML implicit key ends on its line: no line break before ':'.
      while (Peek() == ' ') ++i_;
      if (i_ - key_start > kMaxKeySpan) Punt();
      Expect(':');
      SkipSpace();
      // A duplicate: the general reader's error.
      if (out->contains(key)) Punt();
      const std::size_t saved = Push(EscapePointerToken(key));
      map_->emplace(pointer_, key_at);
      ReadValue(depth + 1, &(*out)[std::move(key)]);
      Pop(saved);
      SkipSpace();
      if (Peek() == '}') break;
      Expect(',');
      SkipSpace();
    }
    ++i_;
  }

  void ReadArray(int depth, json* out) {
    if (depth >= limits_.max_depth) Punt();
    ++i_;  // '['
    *out = json::array();
    SkipSpace();
    if (Peek() == ']') {
      ++i_;
      return;
    }
    while (true) {
      const std::size_t saved = Push(std::to_string(out->size()));
      map_->emplace(pointer_, Here());
      out->push_back(nullptr);
      ReadValue(depth + 1, &out->back());
      Pop(saved);
      SkipSpace();
      if (Peek() == ']') break;
      Expect(',');
      SkipSpace();
    }
    ++i_;
  }

  // A literal must end where a JSON token may follow; "truex" is not JSON.
  json ReadLiteral(std::string_view word, json value) {
    if (text_.substr(i_, word.size()) != word) Punt();
    i_ += word.size();
    EndOfScalar();
    return value;
  }

  void EndOfScalar() const {
    const char c = Peek();
    if (c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' &&
        i_ != text_.size()) {
      Punt();
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, resolved as the plain
  // scalar yaml-cpp reports it as (integers beyond 64 bits become floats,
  // floats beyond double's range stay strings, as in the general reader).
  json ReadNumber() {
    const std::size_t start = i_;
    auto digits = [&] {
      const std::size_t from = i_;
      while (i_ < text_.size() && text_[i_] >= '0' && text_[i_] <= '9') ++i_;
      return i_ - from;
    };
    if (Peek() == '-') ++i_;
    if (Peek() == '0') {
      ++i_;
    } else if (digits() == 0) {
      Punt();
    }
    if (Peek() == '.') {
      ++i_;
      if (digits() == 0) Punt();
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++i_;
      if (Peek() == '+' || Peek() == '-') ++i_;
      if (digits() == 0) Punt();
    }
    EndOfScalar();
    json v;
    if (!ResolvePlainScalar(std::string(text_.substr(start, i_ - start)), &v)
             .ok()) {
      Punt();
    }
    return v;
  }

  // A string on one line; escapes limited to those YAML's double-quoted
  // style reads the same way.
  std::string ReadString() {
    ++i_;  // '"'
    std::string out;
    while (true) {
      const std::size_t run = i_;
      while (i_ < text_.size() && text_[i_] != '"' && text_[i_] != '\\' &&
             static_cast<unsigned char>(text_[i_]) >= 0x20) {
        ++i_;
      }
      out.append(text_.substr(run, i_ - run));
      if (i_ == text_.size()) Punt();
      const char c = text_[i_++];
      if (c == '"') return out;
      if (c != '\\') Punt();  // a control character
      ReadEscape(&out);
    }
  }

  void ReadEscape(std::string* out) {
    const char e = Peek();
    ++i_;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out->push_back(e);
        return;
      case 'n':
        out->push_back('\n');
        return;
      case 't':
        out->push_back('\t');
        return;
      case 'u':
        break;
      default:
        Punt();
    }
    if (i_ + 4 > text_.size()) Punt();
    std::uint32_t cp = 0;
    for (int k = 0; k < 4; ++k) {
      const int d = HexDigit(text_[i_ + k]);
      if (d < 0) Punt();
      cp = cp * 16 + d;
    }
    // Controls, surrogates (pairs included) and non-characters.
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp >= 0xFFFE) {
      Punt();
    }
    AppendUtf8(cp, out);
    i_ += 4;
  }

  std::string_view text_;
  const YamlLimits& limits_;
  std::size_t i_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  std::string pointer_;
  std::shared_ptr<SourceMap> map_;
};

}  // namespace

std::optional<YamlStream> ReadJsonObject(std::string_view text,
                                         const YamlLimits& limits) {
  try {
    return JsonReader(text, limits).Read();
  } catch (const NotHandled&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;  // e.g. out of memory: the general reader reports it
  }
}

}  // namespace rayguard::manifest::internal
