// GCS fault tolerance: the annotation and env-var ways of the past against
// gcsFaultToleranceOptions, and the redis and embedded rocksdb backends.
#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::ClusterSpec;
using internal::json;
using internal::Member;

constexpr char kFtAnnotation[] = "ray.io/ft-enabled";
constexpr char kStorageNsAnnotation[] = "ray.io/external-storage-namespace";
// What KubeRay v1.7.0 adds to the head pod for the embedded rocksdb backend
// (utils/constant.go: RAY_GCS_STORAGE, RAY_GCS_STORAGE_PATH,
// GCSStorageVolumeName, GCSStorageMountPath).
constexpr const char* kRocksDbEnv[] = {"RAY_gcs_storage",
                                       "RAY_gcs_storage_path"};
constexpr char kStorageVolume[] = "gcs-storage";
constexpr char kStorageMountPath[] = "/data/gcs";

const json* Options(const ClusterSpec& c) {
  return Member(&c.spec, "gcsFaultToleranceOptions");
}
FieldPath OptionsPath(const ClusterSpec& c) {
  return c.path.Child("gcsFaultToleranceOptions");
}
FieldPath AnnotationPath(const std::string& key) {
  return FieldPath("metadata").Child("annotations").Key(key);
}
bool IsRocksDb(const ClusterSpec& c) {
  return internal::String(Member(Options(c), "backend")) == "rocksdb";
}

// Appends a Forbidden finding at the head Ray container's env var `name`.
void ForbidHeadEnv(const ClusterSpec& c, const char* rule, const char* name,
                   const std::string& detail, Findings* out) {
  int i = internal::EnvIndex(internal::HeadContainer(c), name);
  if (i < 0) return;
  out->push_back(field_error::Forbidden(
      rule, internal::HeadContainerPath(c).Child("env").Index(i), detail));
}

void CheckAnnotationConflict(const ClusterSpec& c, const RuleContext&,
                             Findings* out) {
  if (Options(c) == nullptr ||
      internal::String(Member(&c.annotations, kFtAnnotation)).empty()) {
    return;
  }
  out->push_back(field_error::Forbidden(
      "kuberay/gcs-ft-annotation-conflict", AnnotationPath(kFtAnnotation),
      "may not be set together with " + OptionsPath(c).str() +
          "; configure GCS fault tolerance with gcsFaultToleranceOptions "
          "only"));
}

void CheckRedisAddressWithoutFt(const ClusterSpec& c, const RuleContext&,
                                Findings* out) {
  if (internal::GcsFtEnabled(c)) return;
  ForbidHeadEnv(
      c, "kuberay/gcs-ft-redis-address-without-ft", "RAY_REDIS_ADDRESS",
      "RAY_REDIS_ADDRESS turns on GCS fault tolerance behind KubeRay's "
      "back; set " +
          OptionsPath(c).str() + " instead",
      out);
}

void CheckRedisAddressEnv(const ClusterSpec& c, const RuleContext&,
                          Findings* out) {
  if (Options(c) == nullptr) return;
  ForbidHeadEnv(
      c, "kuberay/gcs-ft-redis-address-env", "RAY_REDIS_ADDRESS",
      "RAY_REDIS_ADDRESS may not be set when gcsFaultToleranceOptions "
      "is set; use gcsFaultToleranceOptions.redisAddress",
      out);
}

void CheckRedisPasswordParam(const ClusterSpec& c, const RuleContext&,
                             Findings* out) {
  const json* params =
      internal::At(&c.spec, {"headGroupSpec", "rayStartParams"});
  if (Options(c) == nullptr ||
      internal::String(Member(params, "redis-password")).empty()) {
    return;
  }
  out->push_back(field_error::Forbidden(
      "kuberay/gcs-ft-redis-password-param",
      c.path.Child("headGroupSpec")
          .Child("rayStartParams")
          .Key("redis-password"),
      "may not be set when gcsFaultToleranceOptions is set; use "
      "gcsFaultToleranceOptions.redisPassword"));
}

void CheckRedisPasswordEnv(const ClusterSpec& c, const RuleContext&,
                           Findings* out) {
  if (Options(c) == nullptr) return;
  ForbidHeadEnv(
      c, "kuberay/gcs-ft-redis-password-env", "REDIS_PASSWORD",
      "REDIS_PASSWORD may not be set when gcsFaultToleranceOptions is "
      "set; use gcsFaultToleranceOptions.redisPassword",
      out);
}

void CheckStorageNamespaceAnnotation(const ClusterSpec& c, const RuleContext&,
                                     Findings* out) {
  if (Options(c) == nullptr ||
      internal::String(Member(&c.annotations, kStorageNsAnnotation)).empty()) {
    return;
  }
  out->push_back(field_error::Forbidden(
      "kuberay/gcs-ft-external-storage-annotation",
      AnnotationPath(kStorageNsAnnotation),
      "may not be set when gcsFaultToleranceOptions is set; use "
      "gcsFaultToleranceOptions.externalStorageNamespace"));
}

void CheckRedisUsername(const ClusterSpec& c, const RuleContext&,
                        Findings* out) {
  constexpr char kRule[] = "kuberay/redis-username";
  const json* params =
      internal::At(&c.spec, {"headGroupSpec", "rayStartParams"});
  if (!internal::String(Member(params, "redis-username")).empty()) {
    out->push_back(
        field_error::Forbidden(kRule,
                               c.path.Child("headGroupSpec")
                                   .Child("rayStartParams")
                                   .Key("redis-username"),
                               "use gcsFaultToleranceOptions.redisUsername to "
                               "set the Redis user name"));
  }
  ForbidHeadEnv(c, kRule, "REDIS_USERNAME",
                "use gcsFaultToleranceOptions.redisUsername to set the Redis "
                "user name",
                out);
}

void CheckRocksDbGate(const ClusterSpec& c, const RuleContext& ctx,
                      Findings* out) {
  if (!IsRocksDb(c) || ctx.GateEnabled("GCSFaultToleranceEmbeddedStorage"))
    return;
  out->push_back(field_error::Forbidden(
      "kuberay/gcs-ft-rocksdb-feature-gate", OptionsPath(c).Child("backend"),
      "the embedded rocksdb backend " +
          internal::GateDisabledDetail("GCSFaultToleranceEmbeddedStorage")));
}

void CheckRocksDbRedisFields(const ClusterSpec& c, const RuleContext&,
                             Findings* out) {
  if (!IsRocksDb(c)) return;
  for (const char* field : {"redisAddress", "redisUsername", "redisPassword",
                            "externalStorageNamespace"}) {
    const json* v = Member(Options(c), field);
    if (v == nullptr || (v->is_string() && v->get<std::string>().empty()))
      continue;
    out->push_back(field_error::Forbidden(
        "kuberay/gcs-ft-rocksdb-redis-fields", OptionsPath(c).Child(field),
        "applies to the redis backend only, but backend is \"rocksdb\""));
  }
}

void CheckRocksDbStorageClaim(const ClusterSpec& c, const RuleContext&,
                              Findings* out) {
  const json* storage = Member(Options(c), "storage");
  if (!IsRocksDb(c) || internal::String(Member(storage, "claimName")).empty())
    return;
  for (const char* field : {"size", "storageClassName", "accessModes"}) {
    const json* v = Member(storage, field);
    if (v == nullptr || (v->is_array() && v->empty())) continue;
    out->push_back(field_error::Forbidden(
        "kuberay/gcs-ft-rocksdb-storage-claim",
        OptionsPath(c).Child("storage").Child(field),
        "may not be set together with storage.claimName (an existing claim is "
        "used as it is)"));
  }
}

void CheckRocksDbManagedEnv(const ClusterSpec& c, const RuleContext&,
                            Findings* out) {
  if (Options(c) == nullptr || !IsRocksDb(c)) return;
  for (const char* name : kRocksDbEnv) {
    ForbidHeadEnv(
        c, "kuberay/gcs-ft-rocksdb-managed-env", name,
        std::string(name) +
            " is managed by KubeRay when the embedded rocksdb backend "
            "is used",
        out);
  }
}

// The head Ray container's mounts and the head pod's volumes may not take
// the name or path KubeRay uses for the rocksdb store.
void CheckRocksDbManagedVolume(const ClusterSpec& c, const RuleContext&,
                               Findings* out) {
  constexpr char kRule[] = "kuberay/gcs-ft-rocksdb-managed-volume";
  if (Options(c) == nullptr || !IsRocksDb(c)) return;
  const json& mounts = internal::ArrayOrEmpty(
      Member(internal::HeadContainer(c), "volumeMounts"));
  FieldPath mounts_path = internal::HeadContainerPath(c).Child("volumeMounts");
  for (std::size_t i = 0; i < mounts.size(); ++i) {
    std::string name = internal::String(Member(&mounts[i], "name"));
    std::string path = internal::String(Member(&mounts[i], "mountPath"));
    if (path == kStorageMountPath) {
      out->push_back(field_error::Invalid(
          kRule, mounts_path.Index(i).Child("mountPath"), path,
          "KubeRay mounts the embedded rocksdb store here"));
    } else if (name == kStorageVolume) {
      out->push_back(field_error::Invalid(
          kRule, mounts_path.Index(i).Child("name"), name,
          "is the volume KubeRay adds for the embedded rocksdb store"));
    }
  }
  const json& volumes = internal::ArrayOrEmpty(
      internal::At(&c.spec, {"headGroupSpec", "template", "spec", "volumes"}));
  for (std::size_t i = 0; i < volumes.size(); ++i) {
    std::string name = internal::String(Member(&volumes[i], "name"));
    if (name != kStorageVolume) continue;
    out->push_back(field_error::Invalid(
        kRule,
        c.path.Child("headGroupSpec")
            .Child("template")
            .Child("spec")
            .Child("volumes")
            .Index(i)
            .Child("name"),
        name, "is the volume KubeRay adds for the embedded rocksdb store"));
  }
}

void CheckStorageWithRedis(const ClusterSpec& c, const RuleContext&,
                           Findings* out) {
  if (Options(c) == nullptr || IsRocksDb(c) ||
      Member(Options(c), "storage") == nullptr) {
    return;
  }
  out->push_back(field_error::Forbidden(
      "kuberay/gcs-ft-storage-redis-backend", OptionsPath(c).Child("storage"),
      "applies to the rocksdb backend only; the backend is redis"));
}

}  // namespace

std::vector<Rule> GcsFtRules() {
  const std::vector<std::string>& kAll = internal::kClusterKinds;
  return {
      {"kuberay/gcs-ft-annotation-conflict", kAll,
       "the ray.io/ft-enabled annotation and gcsFaultToleranceOptions are not "
       "both set",
       "", internal::OnEachClusterSpec<CheckAnnotationConflict>},
      {"kuberay/gcs-ft-redis-address-without-ft", kAll,
       "RAY_REDIS_ADDRESS in the head container needs GCS fault tolerance to "
       "be enabled",
       "", internal::OnEachClusterSpec<CheckRedisAddressWithoutFt>},
      {"kuberay/gcs-ft-redis-address-env", kAll,
       "with gcsFaultToleranceOptions, the head container does not set "
       "RAY_REDIS_ADDRESS",
       "", internal::OnEachClusterSpec<CheckRedisAddressEnv>},
      {"kuberay/gcs-ft-redis-password-param", kAll,
       "with gcsFaultToleranceOptions, rayStartParams[redis-password] is not "
       "set",
       "", internal::OnEachClusterSpec<CheckRedisPasswordParam>},
      {"kuberay/gcs-ft-redis-password-env", kAll,
       "with gcsFaultToleranceOptions, the head container does not set "
       "REDIS_PASSWORD",
       "", internal::OnEachClusterSpec<CheckRedisPasswordEnv>},
      {"kuberay/gcs-ft-external-storage-annotation", kAll,
       "with gcsFaultToleranceOptions, the ray.io/external-storage-namespace "
       "annotation is not set",
       "", internal::OnEachClusterSpec<CheckStorageNamespaceAnnotation>},
      {"kuberay/redis-username", kAll,
       "the Redis user name comes from gcsFaultToleranceOptions.redisUsername, "
       "not rayStartParams or REDIS_USERNAME",
       "", internal::OnEachClusterSpec<CheckRedisUsername>},
      {"kuberay/gcs-ft-rocksdb-feature-gate", kAll,
       "the rocksdb GCS fault tolerance backend needs the "
       "GCSFaultToleranceEmbeddedStorage gate",
       "GCSFaultToleranceEmbeddedStorage",
       internal::OnEachClusterSpec<CheckRocksDbGate>},
      {"kuberay/gcs-ft-rocksdb-redis-fields", kAll,
       "the rocksdb backend sets no redis fields", "",
       internal::OnEachClusterSpec<CheckRocksDbRedisFields>},
      {"kuberay/gcs-ft-rocksdb-storage-claim", kAll,
       "rocksdb storage names an existing claim or describes a new one, not "
       "both",
       "", internal::OnEachClusterSpec<CheckRocksDbStorageClaim>},
      {"kuberay/gcs-ft-rocksdb-managed-env", kAll,
       "with the rocksdb backend, the head container does not set "
       "RAY_gcs_storage or RAY_gcs_storage_path",
       "", internal::OnEachClusterSpec<CheckRocksDbManagedEnv>},
      {"kuberay/gcs-ft-rocksdb-managed-volume", kAll,
       "with the rocksdb backend, the head pod has no volume named "
       "gcs-storage and the head container no mount of that name or at "
       "/data/gcs",
       "", internal::OnEachClusterSpec<CheckRocksDbManagedVolume>},
      {"kuberay/gcs-ft-storage-redis-backend", kAll,
       "gcsFaultToleranceOptions.storage is used with the rocksdb backend only",
       "", internal::OnEachClusterSpec<CheckStorageWithRedis>},
  };
}

}  // namespace rayguard::rules
