#include "webhook/server/validator_store.h"

#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace rayguard::server {
namespace {

TEST(ValidatorStoreTest, BrokenReloadKeepsTheServingValidator) {
  int builds = 0;
  bool broken = false;
  ValidatorStore store([&]() -> Result<std::unique_ptr<const Validator>> {
    ++builds;
    if (broken) return Status::InvalidArgument("policies/bad.yaml: line 3");
    return Validator::Create({});
  });
  EXPECT_EQ(store.current(), nullptr);
  ASSERT_TRUE(store.Load().ok());
  std::shared_ptr<const Validator> first = store.current();
  ASSERT_NE(first, nullptr);

  broken = true;
  Status s = store.Load();
  EXPECT_EQ(s.message(), "policies/bad.yaml: line 3");
  EXPECT_EQ(store.current(), first);

  broken = false;
  ASSERT_TRUE(store.Load().ok());
  EXPECT_NE(store.current(), first);
  EXPECT_EQ(builds, 3);
}

TEST(ValidatorStoreTest, AThrowingFactoryIsALoadError) {
  ValidatorStore store([]() -> Result<std::unique_ptr<const Validator>> {
    throw std::runtime_error("yaml exploded");
  });
  EXPECT_FALSE(store.Load().ok());
  EXPECT_EQ(store.current(), nullptr);
}

// Builds run on the store's own thread, all on the same one, and a replaced
// validator that a review still held is destroyed once the review lets go.
TEST(ValidatorStoreTest, BuildsOnOneThreadAndFreesRetiredValidators) {
  std::set<std::thread::id> builders;
  ValidatorStore store([&]() -> Result<std::unique_ptr<const Validator>> {
    builders.insert(std::this_thread::get_id());
    return Validator::Create({});
  });
  ASSERT_TRUE(store.Load().ok());
  std::shared_ptr<const Validator> in_review = store.current();
  std::weak_ptr<const Validator> first = in_review;
  ASSERT_TRUE(store.Load().ok());
  ASSERT_TRUE(store.Load().ok());
  EXPECT_EQ(builders.size(), 1u);
  EXPECT_EQ(builders.count(std::this_thread::get_id()), 0u);

  EXPECT_FALSE(first.expired());  // the review still uses it
  in_review.reset();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!first.expired() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(first.expired());
}

}  // namespace
}  // namespace rayguard::server
