#ifndef RAYGUARD_SERVER_EVENT_LOG_H_
#define RAYGUARD_SERVER_EVENT_LOG_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "webhook/core/result.h"

namespace rayguard::server {

enum class LogFormat { kText, kJson };

// "text" or "json"; InvalidArgument otherwise.
Result<LogFormat> ParseLogFormat(std::string_view name);

// Sends the default spdlog logger to stderr, one line per event, flushed at
// once: `<time> <level> <message> key=value ...` or one JSON object
// `{"time":..., "level":..., "msg":..., <fields>}`. Times are UTC.
void ConfigureLogging(LogFormat format);

// Logs `message` with structured `fields` (a JSON object of scalars or
// arrays of scalars, kept in the order given). Callers pass identifiers
// only, never object contents.
void LogEvent(spdlog::level::level_enum level, std::string_view message,
              const nlohmann::ordered_json& fields =
                  nlohmann::ordered_json::object());

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_EVENT_LOG_H_
