#ifndef RAYGUARD_SERVER_SERVE_H_
#define RAYGUARD_SERVER_SERVE_H_

#include <functional>

#include "webhook/server/serve_config.h"

namespace rayguard::server {

// Runs the webhook until SIGTERM or SIGINT: loads the certificate and the
// validator (refusing to start without them), serves HTTPS, reloads the
// certificate and the schemas/policies when their files change, and on a
// signal turns /readyz false, waits `shutdown_delay`, stops accepting and
// finishes in-flight requests. Returns the process exit code: 0 after a
// clean stop, 2 when the configuration, certificate or policies do not load,
// 1 when the address cannot be bound. `after_large_request` is
// ServerOptions::after_large_request.
int Serve(const ServeConfig& config,
          std::function<void()> after_large_request = nullptr);

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_SERVE_H_
