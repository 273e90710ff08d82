#ifndef RAYGUARD_SERVER_CONNECTION_STATS_H_
#define RAYGUARD_SERVER_CONNECTION_STATS_H_

#include <atomic>
#include <cstdint>
#include <string>

namespace rayguard::server {

// Connection counters for /metrics. Updated with relaxed atomics.
struct ConnectionStats {
  std::atomic<std::int64_t> open{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};       // beyond the limit
  std::atomic<std::uint64_t> evicted_idle{0};  // closed to make room
  std::atomic<std::uint64_t> timed_out{0};     // past a deadline
  std::atomic<std::uint64_t> budget_waits{0};  // requests queued for bytes
  std::atomic<std::int64_t> inflight_bytes{0};

  // Prometheus text for the counters above.
  std::string Render() const;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_CONNECTION_STATS_H_
