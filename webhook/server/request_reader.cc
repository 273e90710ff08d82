#include "webhook/server/request_reader.h"

#include <algorithm>
#include <string>

#include <httplib.h>

#include "webhook/server/http_framing.h"

namespace rayguard::server {
namespace {

constexpr std::string_view kCrlf = "\r\n";
// A chunk-size line is hex digits and perhaps extensions; nothing sent by a
// real client comes near this.
constexpr std::size_t kMaxChunkLine = 1024;

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool ContainsToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (EqualsIgnoreCase(Trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// 1 to 16 hex digits (a 64-bit size), then optional ";extensions".
bool ParseChunkSize(std::string_view line, std::size_t* size) {
  const auto semicolon = line.find(';');
  std::string_view digits = Trim(line.substr(0, semicolon));
  if (digits.empty() || digits.size() > 16) return false;
  std::size_t value = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
      d = (c | 0x20) - 'a' + 10;
    } else {
      return false;
    }
    value = value * 16 + static_cast<std::size_t>(d);
  }
  *size = value;
  return true;
}

}  // namespace

bool ByteBudget::TryReserve(std::size_t bytes) {
  if (in_use_ != 0 && bytes > capacity_ - std::min(capacity_, in_use_)) {
    return false;
  }
  in_use_ += bytes;
  return true;
}

void RequestReader::Reset() {
  if (reserved_ > 0) budget_->Release(reserved_);
  reserved_ = 0;
  phase_ = Phase::kStart;
  head_.clear();
  line_.clear();
  trailer_bytes_ = content_length_ = chunk_left_ = chunk_end_seen_ = 0;
  request_.method = {};
  request_.path.clear();
  request_.headers.clear();
  request_.keep_alive = true;
  // A large body's memory goes back rather than staying with an idle
  // connection; a small one is kept for the next request.
  if (request_.body.capacity() > 64 * 1024) {
    std::string().swap(request_.body);
  } else {
    request_.body.clear();
  }
  if (head_.capacity() > limits_.max_head_bytes) std::string().swap(head_);
  error_ = HttpResponse();
}

RequestReader::Result RequestReader::Fail(int status,
                                          std::string_view message) {
  error_.SetError(status, message);
  error_.close = true;
  return Result::kError;
}

bool RequestReader::Reserve(std::size_t total) {
  if (total <= reserved_) return true;
  if (!budget_->TryReserve(total - reserved_)) return false;
  reserved_ = total;
  return true;
}

RequestReader::Result RequestReader::Feed(std::string_view data,
                                          std::size_t* consumed) {
  const std::size_t size = data.size();
  auto done = [&](Result r) {
    *consumed = size - data.size();
    return r;
  };
  while (!data.empty() || phase_ == Phase::kDone) {
    switch (phase_) {
      case Phase::kStart:
        // Empty lines before a request are ignored (RFC 9112 2.2).
        if (data.front() == '\r' || data.front() == '\n') {
          if (++trailer_bytes_ > 2 * 8) return done(Fail(400, "bad request"));
          data.remove_prefix(1);
          continue;
        }
        trailer_bytes_ = 0;
        phase_ = Phase::kHead;
        continue;
      case Phase::kHead: {
        // Look for the blank line, including across the previous feed.
        const std::size_t before = head_.size();
        const std::size_t room = limits_.max_head_bytes + 1 - before;
        head_.append(data.substr(0, std::min(room, data.size())));
        const std::size_t from = before >= 3 ? before - 3 : 0;
        const auto end = head_.find("\r\n\r\n", from);
        if (end == std::string::npos) {
          if (head_.size() > limits_.max_head_bytes) {
            return done(Fail(431, "request line and headers exceed " +
                                      std::to_string(limits_.max_head_bytes) +
                                      " bytes"));
          }
          data.remove_prefix(head_.size() - before);
          continue;
        }
        if (end + 4 > limits_.max_head_bytes) {
          return done(Fail(431, "request line and headers exceed " +
                                    std::to_string(limits_.max_head_bytes) +
                                    " bytes"));
        }
        head_.resize(end + 4);
        data.remove_prefix(end + 4 - before);
        if (Result r = ParseHead(); r != Result::kNeedMore) return done(r);
        if (Result r = StartBody(); r != Result::kNeedMore) return done(r);
        continue;
      }
      case Phase::kBody: {
        if (!Reserve(content_length_)) return done(Result::kNeedBudget);
        if (request_.body.capacity() < content_length_) {
          request_.body.reserve(content_length_);
        }
        const std::size_t take =
            std::min(content_length_ - request_.body.size(), data.size());
        request_.body.append(data.data(), take);
        data.remove_prefix(take);
        if (request_.body.size() == content_length_) phase_ = Phase::kDone;
        continue;
      }
      case Phase::kChunkSize:
      case Phase::kTrailers: {
        const auto lf = data.find('\n');
        const std::string_view part =
            data.substr(0, lf == std::string_view::npos ? data.size() : lf + 1);
        line_.append(part);
        data.remove_prefix(part.size());
        const std::size_t cap = phase_ == Phase::kChunkSize
                                    ? kMaxChunkLine
                                    : limits_.max_head_bytes - trailer_bytes_;
        if (line_.size() > cap) {
          return done(phase_ == Phase::kChunkSize
                          ? Fail(400, "bad request: chunk size line too long")
                          : Fail(431, "trailers exceed the header limit"));
        }
        if (lf == std::string_view::npos) continue;
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
          return done(Fail(400, "bad request: bare LF in chunked body"));
        }
        const std::string_view line(line_.data(), line_.size() - 2);
        if (phase_ == Phase::kTrailers) {
          trailer_bytes_ += line_.size();
          if (line.empty()) phase_ = Phase::kDone;
        } else if (Result r = ChunkSizeLine(line); r != Result::kNeedMore) {
          return done(r);
        }
        line_.clear();
        continue;
      }
      case Phase::kChunkData: {
        if (!Reserve(request_.body.size() + chunk_left_)) {
          return done(Result::kNeedBudget);
        }
        const std::size_t take = std::min(chunk_left_, data.size());
        request_.body.append(data.data(), take);
        data.remove_prefix(take);
        chunk_left_ -= take;
        if (chunk_left_ == 0) phase_ = Phase::kChunkEnd;
        continue;
      }
      case Phase::kChunkEnd:
        if (data.front() != kCrlf[chunk_end_seen_]) {
          return done(Fail(400, "bad request: chunk not followed by CRLF"));
        }
        data.remove_prefix(1);
        if (++chunk_end_seen_ == 2) {
          chunk_end_seen_ = 0;
          phase_ = Phase::kChunkSize;
        }
        continue;
      case Phase::kDone:
        return done(Result::kComplete);
    }
  }
  return done(Result::kNeedMore);
}

RequestReader::Result RequestReader::ChunkSizeLine(std::string_view line) {
  std::size_t chunk = 0;
  if (!ParseChunkSize(line, &chunk)) {
    return Fail(400, "bad request: malformed chunk size");
  }
  if (chunk == 0) {
    phase_ = Phase::kTrailers;
    trailer_bytes_ = head_.size();
    return Result::kNeedMore;
  }
  if (chunk > limits_.max_body_bytes - request_.body.size()) {
    return Fail(413, "request body exceeds " +
                         std::to_string(limits_.max_body_bytes) + " bytes");
  }
  chunk_left_ = chunk;
  phase_ = Phase::kChunkData;
  return Result::kNeedMore;
}

RequestReader::Result RequestReader::ParseHead() {
  std::string_view head(head_.data(), head_.size() - 2);  // keeps each CRLF
  if (head.find('\n') != std::string_view::npos) {
    // Every LF must end a CRLF: a bare one is where two parsers disagree.
    for (std::size_t i = head.find('\n'); i != std::string_view::npos;
         i = head.find('\n', i + 1)) {
      if (i == 0 || head[i - 1] != '\r') return Fail(400, "bad request: bare LF");
    }
  }
  const auto line_end = head.find(kCrlf);
  const std::string_view line = head.substr(0, line_end);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2 || sp1 == 0) {
    return Fail(400, "bad request: malformed request line");
  }
  request_.method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (target.empty() || target.find(' ') != std::string_view::npos ||
      (version != "HTTP/1.1" && version != "HTTP/1.0")) {
    return Fail(400, "bad request: malformed request line");
  }
  request_.path = httplib::detail::decode_url(
      std::string(target.substr(0, target.find('?'))), false);
  std::string_view rest = head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto end = rest.find(kCrlf);
    const std::string_view field = rest.substr(0, end);
    rest.remove_prefix(end + 2);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || field.front() == ' ' ||
        field.front() == '\t') {
      return Fail(400, "bad request: malformed header line");
    }
    const std::string_view value = Trim(field.substr(colon + 1));
    if (value.find_first_of(std::string_view("\0\r", 2)) !=
        std::string_view::npos) {
      return Fail(400, "bad request: control character in a header value");
    }
    request_.headers.emplace_back(field.substr(0, colon), value);
  }
  const std::string_view connection = request_.Header("Connection");
  request_.keep_alive = version == "HTTP/1.1"
                            ? !ContainsToken(connection, "close")
                            : ContainsToken(connection, "keep-alive");
  return Result::kNeedMore;
}

RequestReader::Result RequestReader::StartBody() {
  FramingError bad = CheckFraming(request_.method, request_.headers);
  if (bad.status != 0) return Fail(bad.status, bad.message);
  const std::string_view length = request_.Header("Content-Length");
  if (!request_.Header("Transfer-Encoding").empty()) {
    phase_ = Phase::kChunkSize;
    return Result::kNeedMore;
  }
  if (length.empty()) {
    phase_ = Phase::kDone;
    return Result::kNeedMore;
  }
  // CheckFraming has made sure this is 1 to 18 decimal digits.
  content_length_ = std::stoull(std::string(Trim(length)));
  if (content_length_ > limits_.max_body_bytes) {
    return Fail(413, "request body exceeds " +
                         std::to_string(limits_.max_body_bytes) + " bytes");
  }
  phase_ = content_length_ == 0 ? Phase::kDone : Phase::kBody;
  return Result::kNeedMore;
}

}  // namespace rayguard::server
