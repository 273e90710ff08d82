#ifndef RAYGUARD_TESTS_TESTING_FIXTURES_H_
#define RAYGUARD_TESTS_TESTING_FIXTURES_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rayguard::testing {

// Absolute path of `relative` under the repository root.
std::string SourcePath(const std::string& relative);
// Absolute path of `relative` under tests/fixtures/.
std::string FixturePath(const std::string& relative);
// The built rayguard binary.
std::string BinaryPath();

std::string ReadFile(const std::string& path);

// Every YAML document of a file, converted to JSON (plain yaml-cpp reading,
// good enough for fixtures; product code uses manifest::ReadAll).
// Fails the current test (and returns what it has) on a parse error.
std::vector<nlohmann::json> LoadYamlDocuments(const std::string& path);
// The first document of `path` whose kind is `kind`.
nlohmann::json LoadYamlDocument(const std::string& path,
                                const std::string& kind = "");

}  // namespace rayguard::testing

#endif  // RAYGUARD_TESTS_TESTING_FIXTURES_H_
