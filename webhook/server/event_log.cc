#include "webhook/server/event_log.h"

#include <atomic>

#include <spdlog/sinks/stdout_sinks.h>

namespace rayguard::server {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

constexpr auto kDump = nlohmann::ordered_json::error_handler_t::replace;

// Bare when the value reads unambiguously, JSON-quoted otherwise (spaces,
// quotes, control characters), so a crafted name cannot forge a field.
std::string TextValue(const nlohmann::ordered_json& value) {
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      if (!out.empty()) out += ",";
      out += item.is_string() ? item.get<std::string>()
                              : item.dump(-1, ' ', false, kDump);
    }
    return TextValue(nlohmann::ordered_json(out));
  }
  if (!value.is_string()) return value.dump(-1, ' ', false, kDump);
  const std::string& s = value.get_ref<const std::string&>();
  bool plain = !s.empty();
  for (unsigned char c : s) {
    if (c <= ' ' || c == '"' || c == '=' || c >= 0x7f) plain = false;
  }
  return plain ? s : value.dump(-1, ' ', false, kDump);
}

std::string TextLine(std::string_view message, const nlohmann::ordered_json& fields) {
  std::string line(message);
  for (const auto& [key, value] : fields.items()) {
    line += " " + key + "=" + TextValue(value);
  }
  return line;
}

// The object's members without the braces, appended to the pattern's
// "time" and "level" members.
std::string JsonMembers(std::string_view message,
                        const nlohmann::ordered_json& fields) {
  nlohmann::ordered_json object = {{"msg", std::string(message)}};
  for (const auto& [key, value] : fields.items()) object[key] = value;
  std::string text = object.dump(-1, ' ', false, kDump);
  return text.substr(1, text.size() - 2);
}

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return Status::InvalidArgument("--log-format must be text or json, got \"" +
                                 std::string(name) + "\"");
}

void ConfigureLogging(LogFormat format) {
  auto logger = std::make_shared<spdlog::logger>(
      "rayguard", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format == LogFormat::kJson) {
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v",
                        spdlog::pattern_time_type::utc);
  }
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  g_format = format;
}

void LogEvent(spdlog::level::level_enum level, std::string_view message,
              const nlohmann::ordered_json& fields) {
  if (!spdlog::should_log(level)) return;
  const std::string line = g_format == LogFormat::kJson
                               ? JsonMembers(message, fields)
                               : TextLine(message, fields);
  spdlog::log(level, "{}", line);
}

}  // namespace rayguard::server
