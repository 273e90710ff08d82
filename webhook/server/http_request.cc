#include "webhook/server/http_request.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

namespace rayguard::server {
namespace {

std::string_view Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [&](char x, char y) { return lower(x) == lower(y); });
}

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return {};
}

void HttpResponse::SetError(int code, std::string_view message) {
  status = code;
  content_type = "application/json";
  nlohmann::json error = {{"error", message}, {"code", code}};
  body = error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void SerializeResponse(const HttpResponse& response, bool head_request,
                       std::string* out) {
  char number[24];
  auto append_number = [&](std::size_t n) {
    auto [end, ec] = std::to_chars(number, number + sizeof(number), n);
    out->append(number, end);
  };
  out->clear();
  out->reserve(128 + (head_request ? 0 : response.body.size()));
  out->append("HTTP/1.1 ");
  append_number(static_cast<std::size_t>(response.status));
  out->push_back(' ');
  out->append(Reason(response.status));
  out->append("\r\n");
  if (!response.content_type.empty()) {
    out->append("Content-Type: ").append(response.content_type).append("\r\n");
  }
  for (const auto& [name, value] : response.headers) {
    out->append(name).append(": ").append(value).append("\r\n");
  }
  out->append("Content-Length: ");
  append_number(response.body.size());
  out->append(response.close ? "\r\nConnection: close\r\n\r\n"
                             : "\r\nConnection: keep-alive\r\n\r\n");
  if (!head_request) out->append(response.body);
}

}  // namespace rayguard::server
