// Builds every overlay under manifests/ with `kubectl kustomize` and checks
// what a cluster operator relies on: the webhooks call the Service that
// fronts the Deployment, on the right paths, for the right Ray objects, and
// the pods run locked down.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "tests/deploy/deploy_testing.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using ::nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

struct Overlay {
  std::string name;
  std::string failure_policy;
  bool cert_manager;
  bool autoscaling;
};

void PrintTo(const Overlay& overlay, std::ostream* os) { *os << overlay.name; }

const std::vector<Overlay>& Overlays() {
  static const std::vector<Overlay> overlays = {
      {"cert-manager", "Fail", true, false},
      {"self-signed", "Fail", false, false},
      {"fail-open", "Ignore", true, true},
  };
  return overlays;
}

constexpr char kNoKubectl[] =
    "kubectl is not installed (Debian 12 has no package for it), so the "
    "manifests cannot be built here";

// "--listen=0.0.0.0:8443" -> "0.0.0.0:8443" for flag "--listen".
std::string FlagValue(const json& args, const std::string& flag) {
  for (const json& arg : args) {
    std::string s = arg.get<std::string>();
    if (s.rfind(flag + "=", 0) == 0) return s.substr(flag.size() + 1);
  }
  return "";
}

// True when every label `selector` asks for is on `labels`.
bool Selects(const json& selector, const json& labels) {
  if (!selector.is_object() || selector.empty()) return false;
  for (const auto& [key, value] : selector.items()) {
    if (!labels.contains(key) || labels[key] != value) return false;
  }
  return true;
}

// kubectl takes a quarter of a second per build: build each overlay once.
const std::vector<json>& Built(const std::string& overlay) {
  static std::map<std::string, std::vector<json>> cache;
  auto it = cache.find(overlay);
  if (it == cache.end()) {
    it = cache.emplace(overlay, Kustomize(SourcePath("manifests/" + overlay)))
             .first;
  }
  return it->second;
}

class ManifestsTest : public ::testing::TestWithParam<Overlay> {
 protected:
  void SetUp() override {
    if (FindProgram("kubectl").empty()) GTEST_SKIP() << kNoKubectl;
    objects_ = Built(GetParam().name);
    ASSERT_FALSE(objects_.empty());
    deployment_ = FindObject(objects_, "Deployment", "rayguard");
    service_ = FindObject(objects_, "Service", "rayguard");
    ASSERT_TRUE(deployment_.is_object()) << "no Deployment rayguard";
    ASSERT_TRUE(service_.is_object()) << "no Service rayguard";
    pod_ = deployment_["spec"]["template"];
    container_ = pod_["spec"]["containers"][0];
  }

  std::string Namespace() const {
    return deployment_["metadata"]["namespace"].get<std::string>();
  }
  int ContainerPort(const json& port) const {
    if (port.is_number()) return port.get<int>();
    for (const json& p : container_["ports"]) {
      if (p["name"] == port) return p["containerPort"].get<int>();
    }
    return -1;
  }
  json Mount(const std::string& volume) const {
    for (const json& m : container_["volumeMounts"]) {
      if (m["name"] == volume) return m;
    }
    return nullptr;
  }
  json Volume(const std::string& name) const {
    for (const json& v : pod_["spec"]["volumes"]) {
      if (v["name"] == name) return v;
    }
    return nullptr;
  }
  std::vector<json> Webhooks() const {
    std::vector<json> hooks;
    for (const char* kind :
         {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
      json config = FindObject(objects_, kind);
      EXPECT_TRUE(config.is_object()) << "no " << kind;
      if (!config.is_object()) continue;
      for (json hook : config["webhooks"]) {
        hook["kind"] = kind;
        hooks.push_back(hook);
      }
    }
    return hooks;
  }

  std::vector<json> objects_;
  json deployment_, service_, pod_, container_;
};

TEST_P(ManifestsTest, HasEveryObjectAnInstallNeeds) {
  std::vector<std::string> kinds = {"Namespace",
                                    "ServiceAccount",
                                    "Deployment",
                                    "Service",
                                    "PodDisruptionBudget",
                                    "NetworkPolicy",
                                    "ConfigMap",
                                    "ValidatingWebhookConfiguration",
                                    "MutatingWebhookConfiguration"};
  if (GetParam().cert_manager) {
    kinds.insert(kinds.end(), {"Issuer", "Certificate"});
  }
  if (GetParam().autoscaling) kinds.push_back("HorizontalPodAutoscaler");
  for (const std::string& kind : kinds) {
    EXPECT_TRUE(FindObject(objects_, kind).is_object()) << "no " << kind;
  }
  EXPECT_EQ(FindObject(objects_, "Namespace")["metadata"]["name"], Namespace());
  EXPECT_EQ(FindObject(objects_, "ServiceAccount",
                       "rayguard")["automountServiceAccountToken"],
            false);
}

TEST_P(ManifestsTest, WebhooksJudgeRayObjectsOnCreateAndUpdate) {
  for (const json& hook : Webhooks()) {
    SCOPED_TRACE(hook["kind"].get<std::string>());
    ASSERT_EQ(hook["rules"].size(), 1u);
    const json& rule = hook["rules"][0];
    EXPECT_THAT(rule["apiGroups"], ElementsAre("ray.io"));
    EXPECT_THAT(rule["operations"], UnorderedElementsAre("CREATE", "UPDATE"));
    // RayCronJobs are validated (their schedule, time zone and job
    // template); no mutation applies to them.
    if (hook["kind"] == "ValidatingWebhookConfiguration") {
      EXPECT_THAT(rule["resources"],
                  UnorderedElementsAre("rayclusters", "rayjobs", "rayservices",
                                       "raycronjobs"));
    } else {
      EXPECT_THAT(
          rule["resources"],
          UnorderedElementsAre("rayclusters", "rayjobs", "rayservices"));
    }
    EXPECT_THAT(hook["admissionReviewVersions"], ElementsAre("v1"));
    EXPECT_EQ(hook["sideEffects"], "None");
    EXPECT_EQ(hook["matchPolicy"], "Equivalent");
    EXPECT_EQ(hook["timeoutSeconds"], 5);
    EXPECT_EQ(hook["failurePolicy"], GetParam().failure_policy);
  }
}

// KubeRay writes status through the /status subresource; a webhook there
// could wedge the operator on an object that a rule judges invalid. Only
// the main resources are named: no "x/status", "x/*" or "*".
TEST_P(ManifestsTest, WebhooksNeverInterceptSubresources) {
  for (const json& hook : Webhooks()) {
    SCOPED_TRACE(hook["kind"].get<std::string>());
    for (const json& rule : hook["rules"]) {
      for (const json& resource : rule["resources"]) {
        const std::string r = resource.get<std::string>();
        EXPECT_EQ(r.find('/'), std::string::npos) << r;
        EXPECT_EQ(r.find('*'), std::string::npos) << r;
      }
    }
  }
}

TEST_P(ManifestsTest, WebhooksSkipKubeSystemAndTheirOwnNamespace) {
  for (const json& hook : Webhooks()) {
    SCOPED_TRACE(hook["kind"].get<std::string>());
    const json& exprs = hook["namespaceSelector"]["matchExpressions"];
    ASSERT_EQ(exprs.size(), 1u);
    EXPECT_EQ(exprs[0]["key"], "kubernetes.io/metadata.name");
    EXPECT_EQ(exprs[0]["operator"], "NotIn");
    EXPECT_THAT(exprs[0]["values"],
                UnorderedElementsAre("kube-system", Namespace()));
  }
}

TEST_P(ManifestsTest, WebhooksCallTheServiceInFrontOfTheDeployment) {
  int service_port = service_["spec"]["ports"][0]["port"].get<int>();
  for (const json& hook : Webhooks()) {
    SCOPED_TRACE(hook["kind"].get<std::string>());
    const json& svc = hook["clientConfig"]["service"];
    EXPECT_EQ(svc["name"], service_["metadata"]["name"]);
    EXPECT_EQ(svc["namespace"], service_["metadata"]["namespace"]);
    EXPECT_EQ(svc["port"], service_port);
    std::string path = hook["kind"] == "ValidatingWebhookConfiguration"
                           ? "/validate"
                           : "/mutate";
    EXPECT_EQ(svc["path"], path);
  }
  EXPECT_EQ(service_port, 443);
  EXPECT_TRUE(
      Selects(service_["spec"]["selector"], pod_["metadata"]["labels"]));
  EXPECT_TRUE(Selects(deployment_["spec"]["selector"]["matchLabels"],
                      pod_["metadata"]["labels"]));
  int target = ContainerPort(service_["spec"]["ports"][0]["targetPort"]);
  EXPECT_EQ(target, 8443);
  EXPECT_EQ(FlagValue(container_["args"], "--listen"),
            "0.0.0.0:" + std::to_string(target));
}

TEST_P(ManifestsTest, ProbesUseHealthEndpointsOverHttps) {
  const json& ready = container_["readinessProbe"]["httpGet"];
  const json& live = container_["livenessProbe"]["httpGet"];
  EXPECT_EQ(ready["path"], "/readyz");
  EXPECT_EQ(live["path"], "/healthz");
  for (const json& probe : {ready, live}) {
    EXPECT_EQ(probe["scheme"], "HTTPS");
    EXPECT_EQ(ContainerPort(probe["port"]), 8443);
  }
}

TEST_P(ManifestsTest, PodsRunLockedDown) {
  const json& pod_sc = pod_["spec"]["securityContext"];
  EXPECT_EQ(pod_sc["runAsNonRoot"], true);
  EXPECT_GT(pod_sc["runAsUser"].get<int>(), 0);
  EXPECT_EQ(pod_sc["seccompProfile"]["type"], "RuntimeDefault");
  const json& sc = container_["securityContext"];
  EXPECT_EQ(sc["runAsNonRoot"], true);
  EXPECT_EQ(sc["readOnlyRootFilesystem"], true);
  EXPECT_EQ(sc["allowPrivilegeEscalation"], false);
  EXPECT_NE(sc.value("privileged", false), true);
  EXPECT_THAT(sc["capabilities"]["drop"], ElementsAre("ALL"));
  EXPECT_FALSE(sc["capabilities"].contains("add"));
  EXPECT_EQ(sc["seccompProfile"]["type"], "RuntimeDefault");
  for (const char* part : {"requests", "limits"}) {
    EXPECT_TRUE(container_["resources"][part].contains("cpu")) << part;
    EXPECT_TRUE(container_["resources"][part].contains("memory")) << part;
  }
}

TEST_P(ManifestsTest, SurvivesNodeLossAndDrains) {
  json hpa = FindObject(objects_, "HorizontalPodAutoscaler", "rayguard");
  if (GetParam().autoscaling) {
    EXPECT_FALSE(deployment_["spec"].contains("replicas"))
        << "the HPA owns the replica count";
    EXPECT_GE(hpa["spec"]["minReplicas"].get<int>(), 2);
    EXPECT_EQ(hpa["spec"]["scaleTargetRef"]["name"], "rayguard");
  } else {
    EXPECT_GE(deployment_["spec"]["replicas"].get<int>(), 2);
  }
  EXPECT_EQ(deployment_["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"],
            0);
  const json& spread = pod_["spec"]["topologySpreadConstraints"];
  ASSERT_EQ(spread.size(), 1u);
  EXPECT_EQ(spread[0]["topologyKey"], "kubernetes.io/hostname");
  EXPECT_TRUE(Selects(spread[0]["labelSelector"]["matchLabels"],
                      pod_["metadata"]["labels"]));
  // Longer than one review may take, so draining never cuts a review off.
  EXPECT_GT(pod_["spec"]["terminationGracePeriodSeconds"].get<int>(), 5);

  json pdb = FindObject(objects_, "PodDisruptionBudget", "rayguard");
  EXPECT_EQ(pdb["spec"]["minAvailable"], 1);
  EXPECT_TRUE(Selects(pdb["spec"]["selector"]["matchLabels"],
                      pod_["metadata"]["labels"]));
}

TEST_P(ManifestsTest, NetworkPolicyAdmitsOnlyTheHttpsPort) {
  json policy = FindObject(objects_, "NetworkPolicy", "rayguard");
  EXPECT_TRUE(Selects(policy["spec"]["podSelector"]["matchLabels"],
                      pod_["metadata"]["labels"]));
  EXPECT_THAT(policy["spec"]["policyTypes"],
              UnorderedElementsAre("Ingress", "Egress"));
  const json& ingress = policy["spec"]["ingress"];
  ASSERT_EQ(ingress.size(), 1u);
  ASSERT_EQ(ingress[0]["ports"].size(), 1u);
  EXPECT_EQ(ingress[0]["ports"][0]["port"], 8443);
  EXPECT_TRUE(policy["spec"]["egress"].empty()) << "rayguard dials nothing";
}

TEST_P(ManifestsTest, PoliciesAndCertificateAreMountedReadOnly) {
  json policies = Volume("policies");
  ASSERT_TRUE(policies.is_object());
  EXPECT_EQ(policies["configMap"]["name"], "rayguard-policies");
  EXPECT_TRUE(
      FindObject(objects_, "ConfigMap", "rayguard-policies").is_object());
  EXPECT_EQ(Mount("policies")["readOnly"], true);
  // Every file of the ConfigMap is mounted, each at its policies/ path.
  json data = FindObject(objects_, "ConfigMap", "rayguard-policies")
                  .value("data", json::object());
  std::set<std::string> mounted;
  for (const json& item : policies["configMap"].value("items", json::array())) {
    std::string key = item["key"].get<std::string>();
    mounted.insert(key);
    EXPECT_TRUE(data.contains(key)) << key;
    std::string path = item["path"].get<std::string>();
    for (char& c : path) c = c == '/' ? '_' : c;
    EXPECT_EQ(path, key);
  }
  for (const auto& [key, value] : data.items()) {
    EXPECT_TRUE(mounted.count(key)) << key << " is not mounted";
  }
  EXPECT_EQ(FlagValue(container_["args"], "--policies"),
            Mount("policies")["mountPath"]);

  json tls = Volume("tls");
  ASSERT_TRUE(tls.is_object());
  EXPECT_EQ(tls["secret"]["secretName"], "rayguard-tls");
  EXPECT_EQ(Mount("tls")["readOnly"], true);
  std::string dir = Mount("tls")["mountPath"].get<std::string>();
  EXPECT_EQ(FlagValue(container_["args"], "--tls-cert"), dir + "/tls.crt");
  EXPECT_EQ(FlagValue(container_["args"], "--tls-key"), dir + "/tls.key");
}

TEST_P(ManifestsTest, CertManagerIssuesTheServiceNamesAndInjectsTheCa) {
  if (!GetParam().cert_manager) {
    // certs/generate supplies the Secret and caBundle; nothing may need
    // cert-manager's CRDs.
    EXPECT_FALSE(FindObject(objects_, "Certificate").is_object());
    EXPECT_FALSE(FindObject(objects_, "Issuer").is_object());
    return;
  }
  json cert = FindObject(objects_, "Certificate", "rayguard-serving");
  ASSERT_TRUE(cert.is_object());
  EXPECT_EQ(cert["spec"]["secretName"], Volume("tls")["secret"]["secretName"]);
  std::string host = "rayguard." + Namespace() + ".svc";
  EXPECT_THAT(cert["spec"]["dnsNames"],
              UnorderedElementsAre(host, host + ".cluster.local"));
  EXPECT_THAT(cert["spec"]["usages"], Contains("server auth"));
  json issuer = FindObject(
      objects_, "Issuer", cert["spec"]["issuerRef"]["name"].get<std::string>());
  EXPECT_TRUE(issuer.is_object());
  for (const char* kind :
       {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    EXPECT_EQ(
        FindObject(
            objects_,
            kind)["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
        Namespace() + "/rayguard-serving")
        << kind;
  }
}

INSTANTIATE_TEST_SUITE_P(Overlays, ManifestsTest,
                         ::testing::ValuesIn(Overlays()), [](const auto& info) {
                           std::string name = info.param.name;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(ManifestsLayoutTest, EveryOverlayIsTested) {
  std::set<std::string> tested;
  for (const Overlay& o : Overlays()) tested.insert(o.name);
  for (const auto& entry :
       std::filesystem::directory_iterator(SourcePath("manifests"))) {
    std::string name = entry.path().filename().string();
    if (name == "base" || name == "components") continue;
    if (!std::filesystem::exists(entry.path() / "kustomization.yaml")) continue;
    EXPECT_TRUE(tested.count(name))
        << "overlay manifests/" << name << " is missing from Overlays()";
  }
}

TEST(ManifestsLayoutTest, ShippedPoliciesMatchPoliciesFolder) {
  CommandOutput run = RunCommand(
      ShellQuote(SourcePath("manifests/sync-policies")) + " --check");
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

}  // namespace
}  // namespace rayguard::testing
