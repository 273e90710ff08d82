#ifndef RAYGUARD_SERVER_HTTP_FRAMING_H_
#define RAYGUARD_SERVER_HTTP_FRAMING_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rayguard::server {

// How to refuse a request whose body boundaries are ambiguous.
struct FramingError {
  int status = 0;  // 0: the framing is sound
  std::string message;
};

// Checks the headers that say where a request body ends, before any of the
// body is read. A front proxy and this server must never disagree about
// that boundary (request smuggling), so anything but one plain
// Content-Length or one `Transfer-Encoding: chunked` is refused: both
// together, two of either, a length that is not a decimal number, another
// transfer coding, a header name with spaces or other non-token characters
// (400), and a POST/PUT/PATCH with neither (411, rather than reading until
// the client closes). Any Content-Encoding but identity is 415: nothing is
// ever inflated. `headers` are name/value pairs as received.
FramingError CheckFraming(
    std::string_view method,
    const std::vector<std::pair<std::string_view, std::string_view>>& headers);

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_HTTP_FRAMING_H_
