#include "webhook/server/http_framing.h"

#include "webhook/server/http_request.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace rayguard::server {
namespace {

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// RFC 9110 token characters.
bool IsToken(std::string_view name) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) ||
                  kExtra.find(c) != std::string_view::npos;
         });
}

// 1 to 18 digits: nothing a signed 64-bit integer cannot hold, no sign, no
// list ("5, 5").
bool IsDecimalLength(std::string_view value) {
  return !value.empty() && value.size() <= 18 &&
         std::all_of(value.begin(), value.end(), [](char c) {
           return c >= '0' && c <= '9';
         });
}

FramingError Bad(std::string message) { return {400, std::move(message)}; }

}  // namespace

FramingError CheckFraming(
    std::string_view method,
    const std::vector<std::pair<std::string_view, std::string_view>>& headers) {
  std::vector<std::string_view> lengths;
  std::vector<std::string_view> codings;
  std::string_view content_encoding;
  for (const auto& [name, value] : headers) {
    if (!IsToken(name)) return Bad("malformed header name");
    if (EqualsIgnoreCase(name, "Content-Length")) lengths.push_back(Trim(value));
    if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      codings.push_back(Trim(value));
    }
    if (EqualsIgnoreCase(name, "Content-Encoding") &&
        !EqualsIgnoreCase(Trim(value), "identity")) {
      content_encoding = Trim(value);
    }
  }
  if (!lengths.empty() && !codings.empty()) {
    return Bad("both Content-Length and Transfer-Encoding are set");
  }
  if (lengths.size() > 1) return Bad("more than one Content-Length header");
  if (codings.size() > 1) return Bad("more than one Transfer-Encoding header");
  if (!lengths.empty() && !IsDecimalLength(lengths[0])) {
    return Bad("Content-Length is not a decimal number");
  }
  if (!codings.empty() && !EqualsIgnoreCase(codings[0], "chunked")) {
    return Bad("Transfer-Encoding must be chunked");
  }
  // Inflating is where a small request becomes a large one, and the API
  // server never compresses what it sends to webhooks.
  if (!content_encoding.empty()) {
    return {415, "Content-Encoding " + std::string(content_encoding.substr(0, 64)) +
                     " is not supported; send the body uncompressed"};
  }
  const bool has_body_method =
      method == "POST" || method == "PUT" || method == "PATCH";
  if (has_body_method && lengths.empty() && codings.empty()) {
    return {411, "Content-Length is required"};
  }
  return {};
}

}  // namespace rayguard::server
