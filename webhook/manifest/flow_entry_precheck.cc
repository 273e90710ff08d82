// A small model of yaml-cpp's scanner, just enough to know where a token
// starts outside flow collections: yaml-cpp 0.7 loops forever on a flow
// entry (',') token there (found by fuzzing), so such input is refused
// before yaml-cpp reads it. Where the model and yaml-cpp disagree, the
// model must err on the side of "a token starts here" only where yaml-cpp
// would fail anyway; everything it reads fine must pass.
#include "webhook/manifest/internal/flow_entry_precheck.h"

#include <algorithm>
#include <cstddef>

namespace rayguard::manifest::internal {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// In a flow collection, a ':' right after a quoted scalar or a nested
// collection is a value indicator ({"a":1}); after others it starts or
// continues a plain scalar ({a:1} is one scalar).
bool IsJsonKeyEnd(char c) {
  return c == '"' || c == '\'' || c == ']' || c == '}';
}

bool IsFlowIndicator(char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

// Letters, digits and the URI characters yaml-cpp reads in a tag (with
// '!' for "!!t" and "!h!t"); bytes of UTF-8 sequences are taken as text,
// which at worst makes the scan see a token later than yaml-cpp does.
bool IsTagCharacter(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80) {
    return true;
  }
  switch (c) {
    case '-':
    case '#':
    case ';':
    case '/':
    case '?':
    case ':':
    case '@':
    case '&':
    case '=':
    case '+':
    case '$':
    case '_':
    case '.':
    case '~':
    case '*':
    case '\'':
    case '(':
    case ')':
    case '%':
    case '!':
      return true;
    default:
      return false;
  }
}

// Characters of a word before a ',' that may make that ',' a token: the
// end of a quoted scalar or flow collection, an anchor, alias or tag.
bool MayEndTokenBeforeComma(char c) {
  switch (c) {
    case '"':
    case '\'':
    case ']':
    case '}':
    case '[':
    case '{':
    case '&':
    case '*':
    case '!':
      return true;
    default:
      return false;
  }
}

// Whether some ',' could be a token: one that starts its line or follows a
// blank, or whose word (back to the previous blank) holds a character
// from MayEndTokenBeforeComma. Cheap, and most manifests have no such ','
// ("a: b,c" has none), which spares them the scan. Each character is
// looked at once: a word is checked back to the previous ',' only, whose
// own word was checked before.
bool MayHaveFlowEntryToken(std::string_view text) {
  std::size_t checked = 0;  // text before this holds nothing suspicious
  for (std::size_t at = text.find(','); at != std::string_view::npos;
       at = text.find(',', at + 1)) {
    if (at == 0) return true;
    const char before = text[at - 1];
    if (IsBlank(before) || before == '\n') return true;
    for (std::size_t i = at; i > checked;) {
      const char c = text[--i];
      if (IsBlank(c) || c == '\n') break;
      if (MayEndTokenBeforeComma(c)) return true;
    }
    checked = at;
  }
  return false;
}

// The indentation (spaces) of the line starting at text[i], or -1 if the
// line is blank.
int LineIndent(std::string_view text, std::size_t i) {
  int indent = 0;
  while (i < text.size() && text[i] == ' ') {
    ++i;
    ++indent;
  }
  if (i == text.size() || text[i] == '\n' || text[i] == '\r') return -1;
  return indent;
}

// Whether the '|' or '>' at text[i], at a token start, heads a block
// scalar: only chomping and indentation indicators, blanks and a comment
// follow it on its line. yaml-cpp takes a '#' right after the indicators
// for a comment too ("|#").
bool IsBlockScalarHeader(std::string_view text, std::size_t i) {
  std::size_t j = i + 1;
  while (j < text.size() && (text[j] == '+' || text[j] == '-' ||
                             (text[j] >= '1' && text[j] <= '9'))) {
    ++j;
  }
  while (j < text.size() && IsBlank(text[j])) ++j;
  return j == text.size() || text[j] == '\n' || text[j] == '#';
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) i_ = line_start_ = 3;  // BOM
  }

  std::optional<SourcePosition> Run() {
    while (i_ < text_.size()) {
      if (auto found = ScanLine()) return found;
    }
    return std::nullopt;
  }

 private:
  enum class State { kToken, kPlain };

  char At(std::size_t j) const { return j < text_.size() ? text_[j] : '\n'; }
  bool BlankOrEndAt(std::size_t j) const {
    return IsBlank(At(j)) || At(j) == '\n';
  }
  int Column() const { return static_cast<int>(i_ - line_start_); }
  SourcePosition Here() const { return {line_, Column() + 1}; }

  void SkipToLineEnd() {
    while (i_ < text_.size() && text_[i_] != '\n') ++i_;
  }
  void NewLine() {  // at a '\n' or the end
    if (i_ < text_.size()) ++i_;
    ++line_;
    line_start_ = i_;
  }

  bool AtDocumentMarker() const {
    if (i_ != line_start_) return false;
    const std::string_view rest = text_.substr(i_);
    return (rest.starts_with("---") || rest.starts_with("...")) &&
           BlankOrEndAt(i_ + 3);
  }

  // A line of block scalar text is skipped; the first line indented less
  // than its content ends the scalar. The content's indentation is that of
  // its first non-blank line, at least that of the blank lines before it,
  // and must be more than the collection holding the scalar (at least 1,
  // even at a document's root).
  bool SkipBlockScalarLine() {
    const int indent = LineIndent(text_, i_);
    if (indent < 0 && content_indent_ < 0) {
      std::size_t j = i_;
      while (j < text_.size() && text_[j] == ' ') ++j;
      leading_blank_indent_ =
          std::max(leading_blank_indent_, static_cast<int>(j - i_));
    }
    if (indent >= 0) {
      if (content_indent_ < 0) {
        if (indent <= block_parent_) return in_block_scalar_ = false;
        content_indent_ = std::max(indent, leading_blank_indent_);
      }
      in_block_scalar_ = indent >= content_indent_;
    }
    if (!in_block_scalar_) return false;
    SkipToLineEnd();
    NewLine();
    return true;
  }

  std::optional<SourcePosition> ScanLine() {
    if (in_block_scalar_ && SkipBlockScalarLine()) return std::nullopt;
    while (i_ < text_.size() && (text_[i_] == ' ' || text_[i_] == '\t')) ++i_;
    if (At(i_) == '\n' || (At(i_) == '\r' && At(i_ + 1) == '\n')) {
      SkipToLineEnd();  // a blank line keeps a plain scalar going
      NewLine();
      return std::nullopt;
    }
    entry_column_ = -1;
    key_column_ = -1;
    simple_key_column_ = -1;
    simple_key_allowed_ = true;
    if (AtDocumentMarker()) {
      plain_ = false;
      simple_key_allowed_ = false;
      document_has_node_ = false;
      i_ += 3;
      return ScanTokens(State::kToken);
    }
    if (text_[i_] == '#') {  // a comment line also ends a plain scalar
      plain_ = false;
      SkipToLineEnd();
      NewLine();
      return std::nullopt;
    }
    // yaml-cpp continues a plain scalar on any line indented more than the
    // block collection holding it; there a leading ',' is text.
    if (plain_ && Column() > plain_parent_) return ScanTokens(State::kPlain);
    plain_ = false;
    if (Column() == 0 && text_[i_] == '%') {  // a directive
      SkipToLineEnd();
      NewLine();
      return std::nullopt;
    }
    return ScanTokens(State::kToken);
  }

  // Scans the rest of the line (and the lines a quoted scalar or flow
  // collection spans) from a token start or inside a plain scalar.
  std::optional<SourcePosition> ScanTokens(State state) {
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '\n') break;
      if (state == State::kPlain) {
        if (c == ':' && BlankOrEndAt(i_ + 1)) {
          EndKey(key_column_ >= 0 ? key_column_ : Column());
          state = State::kToken;
        } else if (IsBlank(c) && At(i_ + 1) == '#') {
          SkipToLineEnd();  // a comment ends the plain scalar
          state = State::kToken;
          continue;
        }
        ++i_;
        continue;
      }
      if (IsBlank(c)) {
        ++i_;
        continue;
      }
      if (c == ',') return Here();
      if (c == '#') {  // after a blank, or right after a quoted scalar
        SkipToLineEnd();
        continue;
      }
      if ((c == '-' || c == '?') && BlankOrEndAt(i_ + 1)) {
        document_has_node_ = true;  // a collection
        entry_column_ = Column();
        key_column_ = -1;
        simple_key_column_ = -1;
        simple_key_allowed_ = true;
        ++i_;
        continue;
      }
      if (c == ':' && BlankOrEndAt(i_ + 1)) {
        document_has_node_ = true;
        EndKey(key_column_ >= 0 ? key_column_ : Column());
        ++i_;
        continue;
      }
      if (key_column_ < 0) key_column_ = Column();
      const bool had_node = document_has_node_;
      if (c != '&' && c != '!') document_has_node_ = true;
      if (simple_key_allowed_) {
        simple_key_column_ = Column();
        simple_key_allowed_ = false;
      }
      if (c == '"' || c == '\'') {
        if (!SkipQuoted(c)) return std::nullopt;
      } else if (c == '[' || c == '{') {
        if (!SkipFlowCollection()) return std::nullopt;
      } else if (c == '&' || c == '*' || c == '!') {
        SkipProperty();
      } else if ((c == '|' || c == '>') && IsBlockScalarHeader(text_, i_)) {
        in_block_scalar_ = true;
        block_parent_ = std::max(ParentColumn(had_node), 0);
        content_indent_ = -1;
        leading_blank_indent_ = 0;
        SkipToLineEnd();
      } else {
        // A plain scalar starts; it goes on over lines indented more than
        // the collection holding it.
        plain_parent_ = ParentColumn(had_node);
        state = State::kPlain;
        ++i_;
      }
    }
    plain_ = state == State::kPlain;
    NewLine();
    return std::nullopt;
  }

  // The column of the block collection holding a scalar starting here, as
  // far as this line tells: a document's first node is its root (-1);
  // after some node, a line's first token sits in a collection left of it.
  // After another token that may start a key ("&a b", "\"a\" b"), yaml-cpp
  // holds the scalar to that token's column.
  int ParentColumn(bool had_node) const {
    int parent = -1;
    if (entry_column_ >= 0) {
      parent = entry_column_;
    } else if (had_node) {
      parent = std::max(key_column_ - 1, 0);
    }
    if (simple_key_column_ >= 0 && simple_key_column_ < Column()) {
      parent = std::max(parent, simple_key_column_);
    }
    return parent;
  }

  // ": " after a key starting at `column`: a block map at that column
  // holds what follows on the line.
  void EndKey(int column) {
    entry_column_ = column;
    key_column_ = -1;
    simple_key_column_ = -1;
    simple_key_allowed_ = false;
  }

  // From the opening quote past the closing one, over lines; false if the
  // text ends first (yaml-cpp reports that).
  bool SkipQuoted(char quote) {
    for (++i_; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      if (c == '\n') {
        NewLine();
        --i_;
      } else if (quote == '"' && c == '\\') {
        if (At(i_ + 1) != '\n') ++i_;  // an escaped line break is a break
      } else if (c == quote) {
        if (quote == '\'' && At(i_ + 1) == '\'') {
          ++i_;  // '' is a quote in a single-quoted scalar
          continue;
        }
        ++i_;
        return true;
      }
    }
    return false;
  }

  // From '[' or '{' past the bracket closing it, over lines. Inside, a
  // quote opens a scalar only where a token starts (in "[a\"b]" it is
  // text), and a '#' after a blank starts a comment.
  bool SkipFlowCollection() {
    int depth = 0;
    bool plain = false;  // inside a plain scalar, which may span lines
    while (i_ < text_.size()) {
      const char c = text_[i_];
      const char before = i_ > line_start_ ? text_[i_ - 1] : '\n';
      if (c == '\n') {
        NewLine();
        continue;
      }
      if (c == '#' && (!plain || IsBlank(before))) {
        plain = false;
        SkipToLineEnd();
        continue;
      }
      if (c == '[' || c == '{' || c == ',') {
        plain = false;
        if (c != ',') ++depth;
      } else if (c == ']' || c == '}') {
        plain = false;
        if (--depth == 0) {
          ++i_;
          return true;
        }
      } else if (c == ':' &&
                 (BlankOrEndAt(i_ + 1) || IsFlowIndicator(At(i_ + 1)) ||
                  (!plain && IsJsonKeyEnd(before)))) {
        plain = false;
      } else if (!plain && (c == '"' || c == '\'')) {
        if (!SkipQuoted(c)) return false;
        continue;
      } else if (!plain && (c == '&' || c == '*' || c == '!')) {
        SkipProperty();
        continue;
      } else if (!IsBlank(c)) {
        plain = true;
      }
      ++i_;
    }
    return false;
  }

  // An anchor (&x), alias (*x) or tag (!t, !!t, !<uri>). yaml-cpp ends an
  // anchor's name at a blank or a flow indicator, and a tag at the first
  // character that is not a URI character, so "&x," and "!t\"a\"," have a
  // token right after the property.
  void SkipProperty() {
    if (text_[i_] == '!' && At(i_ + 1) == '<') {
      while (i_ < text_.size() && text_[i_] != '>' && text_[i_] != '\n') ++i_;
      if (At(i_) == '>') ++i_;
      return;
    }
    const bool tag = text_[i_] == '!';
    for (++i_; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      if (tag ? !IsTagCharacter(c)
              : IsBlank(c) || c == '\n' || c == ',' || c == '[' || c == ']' ||
                    c == '{' || c == '}') {
        return;
      }
    }
  }

  std::string_view text_;
  std::size_t i_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
  // Columns (0-based) on the current line: of the last "- "/"? " or of
  // the key before the last ": " (-1: none), and of the first token since.
  int entry_column_ = -1;
  int key_column_ = -1;
  // Where yaml-cpp may take the next token for a key (a line's start, after
  // "- " and "? ") and the column of the token found there.
  bool simple_key_allowed_ = true;
  int simple_key_column_ = -1;
  // Some node or collection indicator (not an anchor or tag) came since
  // the document's start.
  bool document_has_node_ = false;
  // A plain scalar ran to the end of the previous line; it continues on
  // lines indented more than plain_parent_.
  bool plain_ = false;
  int plain_parent_ = -1;
  bool in_block_scalar_ = false;
  int block_parent_ = 0;
  int leading_blank_indent_ = 0;
  int content_indent_ = -1;
};

}  // namespace

std::optional<SourcePosition> FindBlockFlowEntry(std::string_view text) {
  std::string_view body = text;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  if (!MayHaveFlowEntryToken(body)) return std::nullopt;
  return Scanner(text).Run();
}

}  // namespace rayguard::manifest::internal
