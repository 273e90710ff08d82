#include "webhook/server/event_log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/sink.h>

namespace rayguard::server {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};
std::atomic<std::uint64_t> g_dropped{0};

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

std::string TextLine(std::string_view message,
                     const nlohmann::ordered_json& fields) {
  std::string line(message);
  for (const auto& [key, value] : fields.items()) {
    line += ' ';
    line += key;
    line += '=';
    line += TextValue(value);
  }
  return line;
}

std::string Dumped(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, kDump);
}

// The object {"msg": message, <fields>} without its braces, appended to the
// pattern's "time" and "level" members. Written member by member rather
// than through a copied object; a field called "msg" (which would replace
// the message in an object) takes the object's way.
std::string JsonMembers(std::string_view message,
                        const nlohmann::ordered_json& fields) {
  if (fields.contains("msg")) {
    nlohmann::ordered_json object = {{"msg", std::string(message)}};
    for (const auto& [key, value] : fields.items()) object[key] = value;
    std::string text = Dumped(object);
    return text.substr(1, text.size() - 2);
  }
  std::string text = "\"msg\":" + Dumped(std::string(message));
  for (const auto& [key, value] : fields.items()) {
    text += ',';
    text += Dumped(key);
    text += ':';
    text += Dumped(value);
  }
  return text;
}

std::string FormatLine(std::string_view message,
                       const nlohmann::ordered_json& fields) {
  return g_format == LogFormat::kJson ? JsonMembers(message, fields)
                                      : TextLine(message, fields);
}

// A spdlog sink that never writes on the caller's thread. Lines go into a
// fixed ring (lock-free, any number of producers) that one writer thread
// empties, formatting each with the logger's pattern and writing whole
// batches to stderr. A full ring drops info lines (counted, and reported by
// the writer once it catches up); a warning or error waits for room.
// flush() waits until everything logged before it is written.
class QueuedStderrSink final : public spdlog::sinks::sink {
 public:
  QueuedStderrSink() : cells_(new Cell[kCells]) {
    for (std::size_t i = 0; i < kCells; ++i) cells_[i].sequence = i;
    writer_ = std::thread([this] { Write(); });
  }

  ~QueuedStderrSink() override {
    stop_ = true;
    Wake();
    writer_.join();
  }

  void log(const spdlog::details::log_msg& msg) override {
    Entry entry{msg.time, msg.level,
                std::string(msg.payload.data(), msg.payload.size())};
    while (!TryPush(&entry)) {
      if (msg.level < spdlog::level::warn) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        g_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      std::this_thread::yield();
    }
    // Pairs with the writer's fence: either it sees this line before it
    // sleeps, or this thread sees it asleep and wakes it.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_relaxed)) Wake();
  }

  void flush() override {
    const std::size_t target = enqueued_.load(std::memory_order_acquire);
    flushing_.fetch_add(1);
    Wake();
    std::size_t done = written_.load(std::memory_order_acquire);
    while (done < target) {
      written_.wait(done);
      done = written_.load(std::memory_order_acquire);
    }
    flushing_.fetch_sub(1);
  }

  void set_pattern(const std::string& pattern) override {
    set_formatter(std::make_unique<spdlog::pattern_formatter>(pattern));
  }

  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    std::lock_guard<std::mutex> lock(formatter_mutex_);
    formatter_ = std::move(formatter);
  }

 private:
  // 8192 lines of a few hundred bytes: a few MiB at most, and several
  // seconds of reviews should stderr stall.
  static constexpr std::size_t kCells = 8192;

  struct Entry {
    spdlog::log_clock::time_point time;
    spdlog::level::level_enum level = spdlog::level::info;
    std::string payload;
  };
  // A bounded multi-producer queue cell (Vyukov): `sequence` says whether
  // the cell is free for the producer at that position or holds a line for
  // the consumer.
  struct Cell {
    std::atomic<std::size_t> sequence{0};
    Entry entry;
  };

  bool TryPush(Entry* entry) {
    std::size_t pos = enqueued_.load(std::memory_order_relaxed);
    while (true) {
      Cell& cell = cells_[pos % kCells];
      const std::size_t seq = cell.sequence.load(std::memory_order_acquire);
      const auto diff = static_cast<std::ptrdiff_t>(seq - pos);
      if (diff == 0) {
        if (enqueued_.compare_exchange_weak(pos, pos + 1,
                                            std::memory_order_relaxed)) {
          cell.entry = std::move(*entry);
          cell.sequence.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;  // full
      } else {
        pos = enqueued_.load(std::memory_order_relaxed);
      }
    }
  }

  // Only the writer thread pops.
  bool TryPop(Entry* entry) {
    Cell& cell = cells_[popped_ % kCells];
    if (cell.sequence.load(std::memory_order_acquire) != popped_ + 1) {
      return false;
    }
    *entry = std::move(cell.entry);
    cell.sequence.store(popped_ + kCells, std::memory_order_release);
    ++popped_;
    return true;
  }

  void Wake() {
    sleeping_.store(false, std::memory_order_relaxed);
    wake_.fetch_add(1, std::memory_order_release);
    wake_.notify_one();
  }

  void Write() {
    while (true) {
      if (WriteBatch() > 0) {
        // Let lines gather under load: one write per millisecond, not one
        // per review. A flush does not wait for that.
        if (flushing_.load() == 0 && !stop_) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        continue;
      }
      if (stop_) return;
      const std::uint32_t seen = wake_.load(std::memory_order_acquire);
      sleeping_.store(true, std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      const bool empty = cells_[popped_ % kCells].sequence.load(
                             std::memory_order_acquire) != popped_ + 1;
      if (empty && !stop_ && flushing_.load() == 0) wake_.wait(seen);
      sleeping_.store(false, std::memory_order_relaxed);
    }
  }

  // Writes every line waiting now; returns how many.
  std::size_t WriteBatch() {
    spdlog::memory_buf_t batch;
    std::size_t lines = 0;
    Entry entry;
    {
      std::lock_guard<std::mutex> lock(formatter_mutex_);
      while (TryPop(&entry)) {
        Format(entry, &batch);
        ++lines;
      }
      const std::uint64_t dropped = dropped_.load(std::memory_order_relaxed);
      if (dropped != reported_dropped_) {
        Entry note{spdlog::log_clock::now(), spdlog::level::warn,
                   FormatLine("log lines dropped: the log writer could not "
                              "keep up",
                              {{"dropped", dropped - reported_dropped_}})};
        reported_dropped_ = dropped;
        Format(note, &batch);
      }
    }
    WriteAll(batch.data(), batch.size());
    written_.fetch_add(lines, std::memory_order_release);
    written_.notify_all();
    return lines;
  }

  void Format(const Entry& entry, spdlog::memory_buf_t* out) {
    if (formatter_ == nullptr) return;
    spdlog::details::log_msg msg(entry.time, spdlog::source_loc{}, "rayguard",
                                 entry.level, entry.payload);
    formatter_->format(msg, *out);
  }

  static void WriteAll(const char* data, std::size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(STDERR_FILENO, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // stderr is gone: nothing else to tell
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  std::unique_ptr<Cell[]> cells_;
  std::atomic<std::size_t> enqueued_{0};
  std::size_t popped_ = 0;  // writer thread only
  std::atomic<std::size_t> written_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::uint64_t reported_dropped_ = 0;  // writer thread only
  std::atomic<std::uint32_t> wake_{0};
  std::atomic<bool> sleeping_{false};
  std::atomic<int> flushing_{0};
  std::atomic<bool> stop_{false};
  std::mutex formatter_mutex_;  // the writer's and set_formatter's only
  std::unique_ptr<spdlog::formatter> formatter_;
  std::thread writer_;
};

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return Status::InvalidArgument("--log-format must be text or json, got \"" +
                                 std::string(name) + "\"");
}

void ConfigureLogging(LogFormat format) {
  g_format = format;
  auto logger = std::make_shared<spdlog::logger>(
      "rayguard", std::make_shared<QueuedStderrSink>());
  if (format == LogFormat::kJson) {
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v",
                        spdlog::pattern_time_type::utc);
  }
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void LogEvent(spdlog::level::level_enum level, std::string_view message,
              const nlohmann::ordered_json& fields) {
  if (!spdlog::should_log(level)) return;
  const std::string line = FormatLine(message, fields);
  spdlog::default_logger_raw()->log(level, spdlog::string_view_t(line));
}

void FlushLog() { spdlog::default_logger_raw()->flush(); }

std::uint64_t DroppedLogLines() { return g_dropped.load(); }

}  // namespace rayguard::server
