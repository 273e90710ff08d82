#ifndef RAYGUARD_CEL_LEXER_H_
#define RAYGUARD_CEL_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

#include "webhook/core/result.h"

namespace rayguard::cel {

struct Token {
  enum class Kind {
    kEnd,
    kIdent,
    kInt,     // text holds the digits ("123", "0x1F")
    kUint,    // text holds the digits without the 'u'
    kDouble,  // text holds the literal
    kString,  // text holds the decoded value
    kBytes,   // text holds the decoded bytes
    kPunct,   // text holds the operator: "&&", "?.", "[", ...
    kQuotedIdent,  // `field-name` (only after '.')
  };
  Kind kind = Kind::kEnd;
  std::string text;
  int32_t position = 0;  // byte offset of the first character
};

// Splits CEL source text into tokens, decoding string and bytes literals.
// Fails with InvalidArgument ("<offset>:<message>" is not used; see
// FormatSyntaxError) on malformed literals or unknown characters.
class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}
  // Tokenises the whole input, ending with one kEnd token.
  Result<std::vector<Token>> Tokenize();

 private:
  Status Next(Token* t);
  Status LexNumber(Token* t);
  std::string CharacterAt(size_t pos) const;
  Status LexString(Token* t, bool raw, bool bytes);
  Status Error(int32_t pos, const std::string& message) const;

  std::string_view src_;
  size_t pos_ = 0;
};

// "<input>:L:C: message\n | source line\n | ....^" as cel-go prints errors.
std::string FormatSyntaxError(std::string_view source, int32_t position,
                              const std::string& message);

}  // namespace rayguard::cel

#endif  // RAYGUARD_CEL_LEXER_H_
