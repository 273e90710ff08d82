#include "webhook/server/validator_store.h"

#include <stdexcept>

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

}  // namespace
}  // namespace rayguard::server
