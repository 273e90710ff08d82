#include "webhook/core/json_diff.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "webhook/core/field_path.h"

namespace rayguard {
namespace {

constexpr std::size_t kMaxValueChars = 120;

std::string Show(const nlohmann::json& value) {
  std::string text =
      value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxValueChars)
    text = text.substr(0, kMaxValueChars) + "...";
  return text;
}

bool IsIdentifier(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

FieldPath Member(const FieldPath& path, const std::string& key) {
  return IsIdentifier(key) ? path.Child(key) : path.Key(key);
}

std::string Name(const FieldPath& path) {
  return path.empty() ? "(the whole object)" : path.str();
}

// Collects every difference (all of them: the caller cuts the list).
void Walk(const nlohmann::json& expected, const nlohmann::json& got,
          const FieldPath& path, std::vector<std::string>* out) {
  if (expected.is_object() && got.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : expected.items()) keys.insert(k);
    for (const auto& [k, v] : got.items()) keys.insert(k);
    for (const std::string& k : keys) {
      auto e = expected.find(k);
      auto g = got.find(k);
      FieldPath child = Member(path, k);
      if (g == got.end()) {
        out->push_back(child.str() + ": expected " + Show(*e) +
                       ", got nothing");
      } else if (e == expected.end()) {
        out->push_back(child.str() + ": expected nothing, got " + Show(*g));
      } else {
        Walk(*e, *g, child, out);
      }
    }
    return;
  }
  if (expected.is_array() && got.is_array()) {
    std::size_t common = std::min(expected.size(), got.size());
    for (std::size_t i = 0; i < common; ++i) {
      Walk(expected[i], got[i], path.Index(i), out);
    }
    for (std::size_t i = common; i < expected.size(); ++i) {
      out->push_back(path.Index(i).str() + ": expected " + Show(expected[i]) +
                     ", got nothing");
    }
    for (std::size_t i = common; i < got.size(); ++i) {
      out->push_back(path.Index(i).str() + ": expected nothing, got " +
                     Show(got[i]));
    }
    return;
  }
  if (expected != got) {
    out->push_back(Name(path) + ": expected " + Show(expected) + ", got " +
                   Show(got));
  }
}

}  // namespace

std::vector<std::string> DescribeJsonDifferences(const nlohmann::json& expected,
                                                 const nlohmann::json& got,
                                                 std::size_t max_lines) {
  std::vector<std::string> lines;
  Walk(expected, got, FieldPath(), &lines);
  if (max_lines > 0 && lines.size() > max_lines) {
    std::size_t more = lines.size() - (max_lines - 1);
    lines.resize(max_lines - 1);
    lines.push_back("... and " + std::to_string(more) + " more differences");
  }
  return lines;
}

}  // namespace rayguard
