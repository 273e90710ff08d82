#ifndef RAYGUARD_RULES_INTERNAL_SCHEDULE_H_
#define RAYGUARD_RULES_INTERNAL_SCHEDULE_H_

// The two strings a RayCronJob schedules by, read as KubeRay v1.7.0 reads
// them: the cron expression (github.com/robfig/cron/v3 ParseStandard) and
// the time zone (Go's time.LoadLocation in the operator's image).
#include <string>
#include <string_view>

namespace rayguard::rules::internal {

// Why `spec` is not a schedule ParseStandard accepts, e.g. "expected exactly
// 5 fields, found 6"; empty when it is one. Accepted: five fields (minute
// 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec, day of week 0-6
// or sun-sat), each a comma list of `*`, `?`, `N`, `N-M`, with an optional
// `/step`; or a descriptor: @yearly, @annually, @monthly, @weekly, @daily,
// @midnight, @hourly, or "@every <Go duration>".
std::string CronScheduleError(std::string_view spec);

// True when time.LoadLocation(name) succeeds in KubeRay's operator image:
// "UTC", "Local", or a zone of Debian 12's tzdata (compiled in at build
// time, so no zoneinfo files are read at run time).
bool IsKnownTimeZone(std::string_view name);

}  // namespace rayguard::rules::internal

#endif  // RAYGUARD_RULES_INTERNAL_SCHEDULE_H_
