// RayCronJob schedules and time zones, read as KubeRay v1.7.0 reads them:
// robfig/cron/v3's ParseStandard and Go's time.LoadLocation.
#include "webhook/rules/internal/schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::rules::internal {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(CronScheduleTest, AcceptsWhatParseStandardAccepts) {
  for (const char* spec : {"* * * * *",
                           "*/5 * * * *",
                           "0 9 * * *",
                           "45 21 * * *",
                           "0 0 1,15 * *",
                           "0-30/10 8-18 * * MON-FRI",
                           "0 0 * JAN,jul sun",
                           "? ? ? ? ?",
                           "5/15 * * * *",
                           "0 0 31 12 6",
                           "  0  0 * *  *  ",
                           "0\t0 * * *",
                           "0,,5 * * * *",
                           "0\xC2\xA0"
                           "0 * * *",
                           "@hourly",
                           "@daily",
                           "@midnight",
                           "@weekly",
                           "@monthly",
                           "@yearly",
                           "@annually",
                           "@every 1h30m",
                           "@every 0s",
                           "@every -5m"}) {
    EXPECT_THAT(CronScheduleError(spec), IsEmpty()) << "\"" << spec << "\"";
  }
}

TEST(CronScheduleTest, RejectsWhatParseStandardRejects) {
  struct Row {
    const char* spec;
    const char* error;
  };
  for (const Row& row : std::vector<Row>{
           {"", "empty spec string"},
           {"invalid cron", "expected exactly 5 fields, found 2"},
           {"0 0 0 * * *", "expected exactly 5 fields, found 6"},
           {"60 * * * *", "end of range (60) above maximum (59): 60"},
           {"* 24 * * *", "above maximum (23)"},
           {"* * 0 * *", "beginning of range (0) below minimum (1): 0"},
           {"* * * 13 *", "above maximum (12)"},
           {"* * * * 7", "above maximum (6)"},
           {"5-1 * * * *", "beginning of range (5) beyond end of range (1)"},
           {"*/0 * * * *", "step of range should be a positive number"},
           {"1-2-3 * * * *", "too many hyphens: 1-2-3"},
           {"*/2/3 * * * *", "too many slashes: */2/3"},
           {"-1 * * * *", "failed to parse int from "},
           {"x * * * *", "failed to parse int from x"},
           {"* * * * funday", "failed to parse int from funday"},
           {"@hourly ", "unrecognized descriptor: @hourly "},
           {"@every", "unrecognized descriptor: @every"},
           {"@every 5", "failed to parse duration @every 5"},
           {" @hourly", "expected exactly 5 fields, found 1"},
       }) {
    EXPECT_THAT(CronScheduleError(row.spec), HasSubstr(row.error))
        << "\"" << row.spec << "\"";
  }
}

TEST(TimeZoneTest, KnowsTheIanaZonesWithoutReadingZoneinfo) {
  for (const char* zone :
       {"UTC", "Local", "Asia/Taipei", "America/New_York", "Europe/Berlin",
        "America/Argentina/Buenos_Aires", "Etc/GMT+5", "US/Pacific", "EST",
        "Australia/Lord_Howe"}) {
    EXPECT_TRUE(IsKnownTimeZone(zone)) << zone;
  }
  for (const char* zone :
       {"", "Invalid/Zone", "asia/taipei", "Asia", "Asia/", "/etc/passwd",
        "../zoneinfo/UTC", "Asia/../UTC", "posix/Asia/Taipei", "localtime",
        "posixrules", "zone.tab", "UTC "}) {
    EXPECT_FALSE(IsKnownTimeZone(zone)) << zone;
  }
}

}  // namespace
}  // namespace rayguard::rules::internal
