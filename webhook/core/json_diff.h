#ifndef RAYGUARD_CORE_JSON_DIFF_H_
#define RAYGUARD_CORE_JSON_DIFF_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rayguard {

// Describes how `got` differs from `expected`, one line per differing node,
// for people reading a failed test:
//   spec.workerGroupSpecs[0].template.spec.nodeSelector[nvidia.com/gpu.present]:
//   expected "true", got nothing
// Paths are Kubernetes field paths (map keys that are not plain identifiers
// in brackets); objects are compared member by member, arrays index by
// index (extra or missing elements named by index); values are shown as
// compact JSON, cut to about 120 characters. At most `max_lines` lines: a
// last line says how many more differences there are. Empty when equal.
// Pure function; safe to call from any thread.
std::vector<std::string> DescribeJsonDifferences(const nlohmann::json& expected,
                                                 const nlohmann::json& got,
                                                 std::size_t max_lines = 20);

}  // namespace rayguard

#endif  // RAYGUARD_CORE_JSON_DIFF_H_
