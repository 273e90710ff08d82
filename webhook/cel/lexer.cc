#include "webhook/cel/lexer.h"

#include <cctype>

#include "webhook/cel/internal/format.h"

namespace rayguard::cel {

namespace {

bool IsIdentStart(char c) { return std::isalpha(uint8_t(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(uint8_t(c)) || c == '_'; }

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    *out += char(cp);
  } else if (cp < 0x800) {
    *out += char(0xC0 | (cp >> 6));
    *out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += char(0xE0 | (cp >> 12));
    *out += char(0x80 | ((cp >> 6) & 0x3F));
    *out += char(0x80 | (cp & 0x3F));
  } else {
    *out += char(0xF0 | (cp >> 18));
    *out += char(0x80 | ((cp >> 12) & 0x3F));
    *out += char(0x80 | ((cp >> 6) & 0x3F));
    *out += char(0x80 | (cp & 0x3F));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::string_view kPuncts[] = {
    "&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "*",
    "/",  "%",  "?",  ":",  ".",  ",",  "(", ")", "[", "]", "{", "}"};

}  // namespace

std::string FormatSyntaxError(std::string_view source, int32_t position,
                              const std::string& message) {
  size_t pos = std::min<size_t>(position, source.size());
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < pos; ++i) {
    if (source[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  size_t line_end = source.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = source.size();
  std::string_view text = source.substr(line_start, line_end - line_start);
  // Columns count code points, as an editor would show them.
  int64_t column =
      internal::CodePointCount(source.substr(line_start, pos - line_start));
  std::string out = "<input>:" + std::to_string(line) + ":" +
                    std::to_string(column + 1) + ": " + message + "\n | " +
                    std::string(text) + "\n | ";
  out += std::string(column, '.') + "^";
  return out;
}

Status Lexer::Error(int32_t pos, const std::string& message) const {
  return Status::InvalidArgument(
      FormatSyntaxError(src_, pos, "Syntax error: " + message));
}

Result<std::vector<Token>> Lexer::Tokenize() {
  std::vector<Token> tokens;
  while (true) {
    Token t;
    Status s = Next(&t);
    if (!s.ok()) return s;
    bool end = t.kind == Token::Kind::kEnd;
    tokens.push_back(std::move(t));
    if (end) return tokens;
  }
}

Status Lexer::Next(Token* t) {
  // Skip whitespace and // comments.
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '/') {
      while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
  t->position = static_cast<int32_t>(pos_);
  if (pos_ >= src_.size()) {
    t->kind = Token::Kind::kEnd;
    return Status::Ok();
  }
  char c = src_[pos_];
  if (std::isdigit(uint8_t(c)) ||
      (c == '.' && pos_ + 1 < src_.size() &&
       std::isdigit(uint8_t(src_[pos_ + 1])))) {
    return LexNumber(t);
  }
  if (c == '"' || c == '\'') return LexString(t, false, false);
  if (IsIdentStart(c)) {
    // String prefixes: r, b, rb, br in any case.
    size_t p = pos_;
    bool raw = false, bytes = false;
    for (int i = 0; i < 2 && p < src_.size(); ++i, ++p) {
      char l = char(std::tolower(uint8_t(src_[p])));
      if (l == 'r' && !raw) raw = true;
      else if (l == 'b' && !bytes) bytes = true;
      else break;
    }
    if ((raw || bytes) && p < src_.size() &&
        (src_[p] == '"' || src_[p] == '\'')) {
      pos_ = p;
      return LexString(t, raw, bytes);
    }
    size_t start = pos_;
    while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
    t->kind = Token::Kind::kIdent;
    t->text = std::string(src_.substr(start, pos_ - start));
    return Status::Ok();
  }
  if (c == '`') {
    size_t end = src_.find('`', pos_ + 1);
    if (end == std::string_view::npos) return Error(t->position, "unterminated quoted identifier");
    t->kind = Token::Kind::kQuotedIdent;
    t->text = std::string(src_.substr(pos_ + 1, end - pos_ - 1));
    for (char q : t->text) {
      if (!IsIdentChar(q) && q != '.' && q != '-' && q != '/' && q != '~' && q != ' ') {
        return Error(t->position, "invalid character in quoted identifier");
      }
    }
    if (t->text.empty()) return Error(t->position, "empty quoted identifier");
    pos_ = end + 1;
    return Status::Ok();
  }
  for (std::string_view p : kPuncts) {
    if (src_.substr(pos_, p.size()) == p) {
      t->kind = Token::Kind::kPunct;
      t->text = std::string(p);
      pos_ += p.size();
      return Status::Ok();
    }
  }
  return Error(t->position, std::string("token recognition error at: '") +
                                CharacterAt(pos_) + "'");
}

// The whole character at `pos` (cel-go's lexer reads runes), so an error
// message never holds part of a multi-byte UTF-8 sequence; a byte that
// starts no valid sequence is shown as \xNN.
std::string Lexer::CharacterAt(size_t pos) const {
  const auto lead = static_cast<unsigned char>(src_[pos]);
  const size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  std::string_view ch = src_.substr(pos, len);
  if (internal::IsValidUtf8(ch)) return std::string(ch);
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("\\x") + kHex[lead >> 4] + kHex[lead & 0xF];
}

Status Lexer::LexNumber(Token* t) {
  size_t start = pos_;
  if (src_.substr(pos_, 2) == "0x" || src_.substr(pos_, 2) == "0X") {
    pos_ += 2;
    while (pos_ < src_.size() && std::isxdigit(uint8_t(src_[pos_]))) ++pos_;
    t->kind = Token::Kind::kInt;
  } else {
    bool is_double = false;
    while (pos_ < src_.size() && std::isdigit(uint8_t(src_[pos_]))) ++pos_;
    if (pos_ + 1 < src_.size() && src_[pos_] == '.' &&
        std::isdigit(uint8_t(src_[pos_ + 1]))) {
      is_double = true;
      ++pos_;
      while (pos_ < src_.size() && std::isdigit(uint8_t(src_[pos_]))) ++pos_;
    }
    if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
      size_t p = pos_ + 1;
      if (p < src_.size() && (src_[p] == '+' || src_[p] == '-')) ++p;
      if (p < src_.size() && std::isdigit(uint8_t(src_[p]))) {
        is_double = true;
        pos_ = p;
        while (pos_ < src_.size() && std::isdigit(uint8_t(src_[pos_]))) ++pos_;
      }
    }
    t->kind = is_double ? Token::Kind::kDouble : Token::Kind::kInt;
  }
  t->text = std::string(src_.substr(start, pos_ - start));
  if (t->kind == Token::Kind::kInt && pos_ < src_.size() &&
      (src_[pos_] == 'u' || src_[pos_] == 'U')) {
    ++pos_;
    t->kind = Token::Kind::kUint;
  }
  if (pos_ < src_.size() && IsIdentChar(src_[pos_])) {
    return Error(t->position, "invalid number literal");
  }
  return Status::Ok();
}

Status Lexer::LexString(Token* t, bool raw, bool bytes) {
  char q = src_[pos_];
  bool triple = src_.substr(pos_, 3) == std::string(3, q);
  size_t qlen = triple ? 3 : 1;
  pos_ += qlen;
  std::string out;
  while (true) {
    if (pos_ >= src_.size()) return Error(t->position, "unterminated string literal");
    char c = src_[pos_];
    if (triple ? src_.substr(pos_, 3) == std::string(3, q) : c == q) {
      pos_ += qlen;
      break;
    }
    if (!triple && (c == '\n' || c == '\r')) {
      return Error(t->position, "newline in string literal");
    }
    if (c != '\\' || raw) {
      out += c;
      ++pos_;
      continue;
    }
    int32_t esc_pos = static_cast<int32_t>(pos_);
    if (++pos_ >= src_.size()) return Error(esc_pos, "unterminated escape");
    char e = src_[pos_++];
    switch (e) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': case '\'': case '"': case '`': case '?': out += e; break;
      case 'x': case 'X': case 'u': case 'U': {
        int digits = (e == 'u') ? 4 : (e == 'U') ? 8 : 2;
        if ((e == 'u' || e == 'U') && bytes) {
          return Error(esc_pos, "unicode escape in bytes literal");
        }
        uint32_t cp = 0;
        for (int i = 0; i < digits; ++i) {
          int h = pos_ < src_.size() ? HexValue(src_[pos_]) : -1;
          if (h < 0) return Error(esc_pos, "invalid escape sequence");
          cp = cp * 16 + uint32_t(h);
          ++pos_;
        }
        if (bytes) {
          out += char(cp);
        } else {
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return Error(esc_pos, "invalid unicode code point");
          }
          AppendUtf8(&out, cp);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '3') {
          uint32_t v = uint32_t(e - '0');
          for (int i = 0; i < 2; ++i) {
            if (pos_ >= src_.size() || src_[pos_] < '0' || src_[pos_] > '7') {
              return Error(esc_pos, "invalid octal escape");
            }
            v = v * 8 + uint32_t(src_[pos_++] - '0');
          }
          if (bytes) out += char(v);
          else AppendUtf8(&out, v);
          break;
        }
        return Error(esc_pos, "invalid escape sequence '\\" +
                                  CharacterAt(pos_ - 1) + "'");
    }
  }
  if (!bytes && !internal::IsValidUtf8(out)) {
    return Error(t->position, "invalid UTF-8 in string literal");
  }
  t->kind = bytes ? Token::Kind::kBytes : Token::Kind::kString;
  t->text = std::move(out);
  return Status::Ok();
}

}  // namespace rayguard::cel
