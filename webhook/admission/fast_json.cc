// Why a second reader: nlohmann's lexer copies every string one character at
// a time through an input adapter, and strictness cost two more passes (a
// scan counting keys, a walk counting members). Reviews are machine-written
// JSON, so this reader takes the common case in one pass, copying each
// string with one allocation and finding duplicate keys as it inserts them,
// and hands anything unusual back to the exact (slow) path. It never decides
// a refusal itself, so every error message still comes from one place.
#include "webhook/admission/fast_json.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace rayguard::admission {
namespace {

using nlohmann::json;

class Reader {
 public:
  Reader(std::string_view text, int max_depth)
      : p_(text.data()), end_(text.data() + text.size()),
        max_depth_(static_cast<std::size_t>(max_depth < 0 ? 0 : max_depth)) {}

  bool Read(json* root) {
    // nlohmann skips a byte-order mark; leave that rarity to it.
    if (p_ != end_ && static_cast<unsigned char>(*p_) == 0xEF) return false;
    json* slot = root;
    while (true) {
      SkipSpace();
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '{' || c == '[') {
        if (open_.size() >= max_depth_) return false;
        ++p_;
        *slot = c == '{' ? json::object() : json::array();
        open_.push_back(slot);
        SkipSpace();
        if (p_ != end_ && *p_ == (c == '{' ? '}' : ']')) {
          ++p_;
          open_.pop_back();
        } else {
          if (!NextSlot(&slot)) return false;
          continue;
        }
      } else if (!Scalar(slot)) {
        return false;
      }
      // A value is complete: close what ends here, then find the next slot.
      bool more = false;
      while (!open_.empty()) {
        SkipSpace();
        if (p_ == end_) return false;
        const bool object = open_.back()->is_object();
        if (*p_ == ',') {
          ++p_;
          if (!NextSlot(&slot)) return false;
          more = true;
          break;
        }
        if (*p_ != (object ? '}' : ']')) return false;
        ++p_;
        open_.pop_back();
      }
      if (more) continue;
      SkipSpace();
      return p_ == end_;
    }
  }

 private:
  void SkipSpace() {
    while (p_ != end_ &&
           (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
    }
  }

  // The slot for the next element of the innermost open container: a new
  // array element, or the value of a new object member (after its key).
  bool NextSlot(json** slot) {
    json* container = open_.back();
    if (container->is_array()) {
      *slot = &container->get_ref<json::array_t&>().emplace_back();
      return true;
    }
    SkipSpace();
    if (p_ == end_ || *p_ != '"') return false;
    std::string key;
    if (!String(&key)) return false;
    SkipSpace();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    json::object_t& members = container->get_ref<json::object_t&>();
    // Go writes map keys sorted: a key after the last one goes at the end
    // without a search (and cannot be a duplicate).
    if (members.empty() || members.rbegin()->first < key) {
      *slot = &members.emplace_hint(members.end(), std::move(key), nullptr)
                   ->second;
      return true;
    }
    auto [it, inserted] = members.try_emplace(std::move(key));
    if (!inserted) return false;  // a duplicate key: the slow path names it
    *slot = &it->second;
    return true;
  }

  bool Scalar(json* slot) {
    switch (*p_) {
      case '"': {
        std::string s;
        if (!String(&s)) return false;
        *slot = std::move(s);
        return true;
      }
      case 't': return Literal("true", json(true), slot);
      case 'f': return Literal("false", json(false), slot);
      case 'n': return Literal("null", json(nullptr), slot);
      default: return Number(slot);
    }
  }

  bool Literal(std::string_view word, json value, json* slot) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    *slot = std::move(value);
    return true;
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  // RFC 8259 numbers, typed as nlohmann types them: no fraction or exponent
  // makes an integer (unsigned unless negative), anything else a double.
  bool Number(json* slot) {
    const char* start = p_;
    if (p_ != end_ && *p_ == '-') ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      integer = false;
      ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    // Out of range (an integer beyond 64 bits, a double that overflows or
    // underflows) goes to the slow path, which has its own rules for those.
    if (integer && *start == '-') {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc() || end != p_) return false;
      *slot = v;
    } else if (integer) {
      std::uint64_t v = 0;
      auto [end, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc() || end != p_) return false;
      *slot = v;
    } else {
      double v = 0;
      auto [end, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc() || end != p_) return false;
      *slot = v;
    }
    return true;
  }

  // Printable ASCII other than '"' and '\\': copied as is.
  static constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
    return plain;
  }();

  // At the opening quote. Plain ASCII runs are copied whole; escapes and
  // multi-byte UTF-8 are decoded and checked the way nlohmann's lexer does.
  bool String(std::string* out) {
    ++p_;
    const char* run = p_;
    while (p_ != end_) {
      while (p_ != end_ && kPlain[static_cast<unsigned char>(*p_)]) ++p_;
      if (p_ == end_) break;
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out->append(run, p_);
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        out->append(run, p_);
        if (!Escape(out)) return false;
        run = p_;
      } else if (c >= 0x80) {
        const int length = Utf8Length();
        if (length == 0) return false;
        p_ += length;
      } else {
        ++p_;
      }
    }
    return false;
  }

  // The length of the valid UTF-8 sequence at p_ (RFC 3629), or 0.
  int Utf8Length() const {
    const auto at = [this](int i) {
      return p_ + i < end_ ? static_cast<unsigned char>(p_[i]) : 0;
    };
    const auto in = [](unsigned char b, unsigned lo, unsigned hi) {
      return b >= lo && b <= hi;
    };
    const unsigned char c = at(0);
    if (in(c, 0xC2, 0xDF)) return in(at(1), 0x80, 0xBF) ? 2 : 0;
    if (in(c, 0xE0, 0xEF)) {
      const unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
      const unsigned hi = c == 0xED ? 0x9F : 0xBF;
      return in(at(1), lo, hi) && in(at(2), 0x80, 0xBF) ? 3 : 0;
    }
    if (in(c, 0xF0, 0xF4)) {
      const unsigned lo = c == 0xF0 ? 0x90 : 0x80;
      const unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
      return in(at(1), lo, hi) && in(at(2), 0x80, 0xBF) &&
                     in(at(3), 0x80, 0xBF)
                 ? 4
                 : 0;
    }
    return 0;
  }

  // At a backslash: appends the character it stands for.
  bool Escape(std::string* out) {
    ++p_;
    if (p_ == end_) return false;
    const char c = *p_++;
    switch (c) {
      case '"': out->push_back('"'); return true;
      case '\\': out->push_back('\\'); return true;
      case '/': out->push_back('/'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'u': break;
      default: return false;
    }
    int code = Hex4();
    if (code < 0 || (code >= 0xDC00 && code <= 0xDFFF)) return false;
    if (code >= 0xD800 && code <= 0xDBFF) {
      // A high surrogate must be followed by an escaped low one.
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
      p_ += 2;
      const int low = Hex4();
      if (low < 0xDC00 || low > 0xDFFF) return false;
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(code, out);
    return true;
  }

  int Hex4() {
    if (end_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }

  static void AppendUtf8(int code, std::string* out) {
    if (code < 0x80) {
      out->push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (code >> 6)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (code >> 12)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (code >> 18)));
      out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  const char* p_;
  const char* end_;
  std::size_t max_depth_;
  std::vector<json*> open_;  // the containers being filled, outermost first
};

}  // namespace

bool ParseFastJson(std::string_view text, int max_depth, json* out) {
  return Reader(text, max_depth).Read(out);
}

}  // namespace rayguard::admission
