#ifndef RAYGUARD_CORE_STATUS_H_
#define RAYGUARD_CORE_STATUS_H_

#include <string>
#include <utility>

namespace rayguard {

// Why an operation could not be done (an unreadable file, malformed input).
// A broken *object* is reported as a Finding, never as a Status.
enum class StatusCode {
  kOk,
  kInvalidArgument,  // the input is malformed
  kNotFound,
  kFailedPrecondition,
  kResourceExhausted,  // a limit (size, depth, cost) was hit
  kInternal,
  kUnavailable,
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return Status(StatusCode::kInvalidArgument, std::move(m));
  }
  static Status NotFound(std::string m) {
    return Status(StatusCode::kNotFound, std::move(m));
  }
  static Status FailedPrecondition(std::string m) {
    return Status(StatusCode::kFailedPrecondition, std::move(m));
  }
  static Status ResourceExhausted(std::string m) {
    return Status(StatusCode::kResourceExhausted, std::move(m));
  }
  static Status Internal(std::string m) {
    return Status(StatusCode::kInternal, std::move(m));
  }
  static Status Unavailable(std::string m) {
    return Status(StatusCode::kUnavailable, std::move(m));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<prefix>: <message>".
  Status WithPrefix(const std::string& prefix) const {
    return ok() ? *this : Status(code_, prefix + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace rayguard

#endif  // RAYGUARD_CORE_STATUS_H_
