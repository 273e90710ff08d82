#ifndef RAYGUARD_SERVER_EVENT_LOG_H_
#define RAYGUARD_SERVER_EVENT_LOG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "webhook/core/result.h"

namespace rayguard::server {

enum class LogFormat { kText, kJson };

// "text" or "json"; InvalidArgument otherwise.
Result<LogFormat> ParseLogFormat(std::string_view name);

// Sends the default spdlog logger to stderr, one line per event:
// `<time> <level> <message> key=value ...` or one JSON object
// `{"time":..., "level":..., "msg":..., <fields>}`. Times are UTC, taken
// when the event is logged.
//
// No caller waits for stderr: lines go through a bounded lock-free queue to
// a writer thread, which writes them in order, in batches. Info lines are
// written within a few milliseconds; if the queue is full (stderr stalled)
// they are dropped, counted (DroppedLogLines), and a warning saying how many
// follows once the writer catches up. A warning or error is never dropped
// and is written before the call returns, after every line logged before
// it. Everything queued is written when the logger is destroyed at exit.
void ConfigureLogging(LogFormat format);

// Logs `message` with structured `fields` (a JSON object of scalars or
// arrays of scalars, kept in the order given). Callers pass identifiers
// only, never object contents.
void LogEvent(spdlog::level::level_enum level, std::string_view message,
              const nlohmann::ordered_json& fields =
                  nlohmann::ordered_json::object());

// Waits until every line logged so far has been written.
void FlushLog();

// Info lines dropped so far because the writer could not keep up.
std::uint64_t DroppedLogLines();

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_EVENT_LOG_H_
