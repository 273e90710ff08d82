// RayCronJob rules (ValidateRayCronJobSpec): the schedule, its time zone,
// and the feature gate the operator needs to act on RayCronJobs at all. The
// name rule is in metadata.cc; spec.jobTemplate gets the RayJob rules.
#include "webhook/core/field_error.h"
#include "webhook/rules/internal/schedule.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::json;
using internal::Member;

const json* Spec(const RuleContext& ctx) {
  return Member(&ctx.resource.object, "spec");
}
const FieldPath kSpec("spec");

// The time zone belongs in spec.timeZone; KubeRay rejects any "TZ" in the
// schedule (which also covers robfig/cron's "TZ=" and "CRON_TZ=" prefixes).
void CheckSchedule(const RuleContext& ctx, Findings* out) {
  constexpr char kRule[] = "kuberay/raycronjob-schedule";
  const json* schedule = Member(Spec(ctx), "schedule");
  if (schedule == nullptr || !schedule->is_string()) return;  // schema's
  const std::string text = schedule->get<std::string>();
  const FieldPath path = kSpec.Child("schedule");
  if (text.find("TZ") != std::string::npos) {
    out->push_back(field_error::Invalid(
        kRule, path, text,
        "may not set TZ or CRON_TZ; use spec.timeZone for the time zone"));
    return;
  }
  std::string error = internal::CronScheduleError(text);
  if (error.empty()) return;
  out->push_back(field_error::Invalid(
      kRule, path, text,
      "must be a standard cron schedule (five fields, or a descriptor such "
      "as @hourly): " +
          error));
}

void CheckTimeZone(const RuleContext& ctx, Findings* out) {
  constexpr char kRule[] = "kuberay/raycronjob-time-zone";
  const json* zone = Member(Spec(ctx), "timeZone");
  if (zone == nullptr || !zone->is_string()) return;
  const std::string name = zone->get<std::string>();
  const FieldPath path = kSpec.Child("timeZone");
  if (name.empty()) {
    out->push_back(field_error::Invalid(
        kRule, path, name,
        "must not be empty; omit it to use the operator's local time zone"));
  } else if (!internal::IsKnownTimeZone(name)) {
    out->push_back(field_error::Invalid(
        kRule, path, name,
        "must be a time zone of the IANA database, such as "
        "\"America/New_York\" or \"UTC\""));
  }
}

// The operator starts its RayCronJob controller only with this gate: with
// it off, the object is stored and nothing ever runs.
void CheckGate(const RuleContext& ctx, Findings* out) {
  if (ctx.GateEnabled("RayCronJob")) return;
  Finding f;
  f.severity = Severity::kWarning;
  f.rule = "kuberay/raycronjob-feature-gate";
  f.type = "Forbidden";
  f.message = "Forbidden: the RayCronJob controller " +
              internal::GateDisabledDetail("RayCronJob") +
              "; without it the operator ignores RayCronJobs and no RayJob "
              "is ever created";
  out->push_back(std::move(f));
}

}  // namespace

std::vector<Rule> RayCronJobRules() {
  return {
      {"kuberay/raycronjob-schedule",
       {"RayCronJob"},
       "spec.schedule is a standard cron schedule (five fields or a "
       "descriptor such as @hourly) without TZ or CRON_TZ",
       "",
       CheckSchedule},
      {"kuberay/raycronjob-time-zone",
       {"RayCronJob"},
       "spec.timeZone, when set, is a non-empty IANA time zone name",
       "",
       CheckTimeZone},
      {"kuberay/raycronjob-feature-gate",
       {"RayCronJob"},
       "warning: the operator acts on RayCronJobs only with the RayCronJob "
       "gate",
       "RayCronJob",
       CheckGate},
  };
}

}  // namespace rayguard::rules
