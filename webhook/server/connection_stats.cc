#include "webhook/server/connection_stats.h"

namespace rayguard::server {

std::string ConnectionStats::Render() const {
  std::string out;
  auto family = [&out](const char* name, const char* type, const char* help,
                       auto value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name +
           " " + type + "\n" + name + " " + std::to_string(value) + "\n";
  };
  family("rayguard_connections_open", "gauge", "Open client connections.",
         open.load());
  family("rayguard_connections_accepted_total", "counter",
         "Client connections accepted.", accepted.load());
  family("rayguard_connections_refused_total", "counter",
         "Connections refused at the connection limit.", refused.load());
  family("rayguard_connections_evicted_total", "counter",
         "Idle connections closed to make room for new ones.",
         evicted_idle.load());
  family("rayguard_connections_timed_out_total", "counter",
         "Connections closed past a handshake, request or idle deadline.",
         timed_out.load());
  family("rayguard_request_budget_waits_total", "counter",
         "Requests that waited for room in the in-flight byte budget.",
         budget_waits.load());
  family("rayguard_request_inflight_bytes", "gauge",
         "Request body bytes held in memory now.", inflight_bytes.load());
  return out;
}

}  // namespace rayguard::server
