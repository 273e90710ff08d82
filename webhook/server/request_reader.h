#ifndef RAYGUARD_SERVER_REQUEST_READER_H_
#define RAYGUARD_SERVER_REQUEST_READER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "webhook/server/http_request.h"

namespace rayguard::server {

// Bytes of request bodies held in memory at once, across all connections.
// A body reserves its bytes before they are read; a request that cannot
// reserve waits (its connection stops reading, so the kernel's TCP window
// pushes back on the client) until answered requests give bytes back.
// One request always fits when nothing else holds any, so a body up to
// --max-body-bytes is never refused for want of budget.
// Used by the event loop thread only.
class ByteBudget {
 public:
  explicit ByteBudget(std::size_t capacity) : capacity_(capacity) {}
  bool TryReserve(std::size_t bytes);
  void Release(std::size_t bytes) { in_use_ -= bytes; }
  std::size_t in_use() const { return in_use_; }
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  std::size_t in_use_ = 0;
};

struct ReaderLimits {
  // The request line and headers together (and a chunked body's trailers).
  std::size_t max_head_bytes = 16 * 1024;
  std::size_t max_body_bytes = 3 * 1024 * 1024;
};

// Reads one HTTP/1.1 request at a time from decrypted bytes, incrementally,
// holding no more than the limits allow: 431 once the head passes
// max_head_bytes, 413 as soon as a Content-Length or the chunks seen so far
// pass max_body_bytes (before those bytes are read), 415 for any
// Content-Encoding but identity, and CheckFraming's refusals for ambiguous
// framing. Every refusal ends the connection.
class RequestReader {
 public:
  enum class Result { kNeedMore, kNeedBudget, kComplete, kError };

  RequestReader(const ReaderLimits& limits, ByteBudget* budget)
      : limits_(limits), budget_(budget) {}
  ~RequestReader() { Reset(); }
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Consumes a prefix of `data` (*consumed bytes). kNeedMore: all consumed,
  // send more. kNeedBudget: call again with the rest once the budget has
  // room. kComplete: request() is whole; the rest of `data` belongs to the
  // next request. kError: error() is the answer to send before closing.
  Result Feed(std::string_view data, std::size_t* consumed);

  // Any byte of the current request seen (an idle connection has none).
  bool started() const { return phase_ != Phase::kStart || !head_.empty(); }
  HttpRequest& request() { return request_; }
  const HttpResponse& error() const { return error_; }
  bool head_request() const { return request_.method == "HEAD"; }

  // Forgets the current request and gives its budget back.
  void Reset();

 private:
  enum class Phase {
    kStart, kHead, kBody, kChunkSize, kChunkData, kChunkEnd, kTrailers, kDone
  };
  Result Fail(int status, std::string_view message);
  Result ParseHead();
  Result StartBody();
  bool Reserve(std::size_t total);
  Result ChunkSizeLine(std::string_view line);

  const ReaderLimits limits_;
  ByteBudget* const budget_;
  Phase phase_ = Phase::kStart;
  std::string head_;  // request line and headers; the views point here
  std::string line_;  // a chunk-size or trailer line in progress
  std::size_t trailer_bytes_ = 0;
  std::size_t content_length_ = 0;
  std::size_t chunk_left_ = 0;
  std::size_t chunk_end_seen_ = 0;  // of the CRLF after a chunk's data
  std::size_t reserved_ = 0;
  HttpRequest request_;
  HttpResponse error_;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_REQUEST_READER_H_
