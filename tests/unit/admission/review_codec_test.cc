#include "webhook/admission/review_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"

namespace rayguard::admission {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

std::string Fixture(const std::string& name) {
  return testing::ReadFile(testing::FixturePath("admission/" + name));
}

TEST(ReviewCodecTest, DecodesWhatTheApiServerSendsOnCreate) {
  Result<AdmissionRequest> r = DecodeReview(Fixture("raycluster_create_v1.json"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->api_version, kAdmissionV1);
  EXPECT_EQ(r->uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(r->kind, "RayCluster");
  EXPECT_EQ(r->group, "ray.io");
  EXPECT_EQ(r->name, "raycluster-kuberay");
  EXPECT_EQ(r->namespace_name, "ml");
  EXPECT_EQ(r->operation, "CREATE");
  EXPECT_FALSE(r->dry_run);
  EXPECT_EQ(r->object["kind"], "RayCluster");
  EXPECT_TRUE(r->old_object.is_null());  // sent as "oldObject": null
  EXPECT_FALSE(r->attributes.contains("object"));
  EXPECT_EQ(r->attributes["userInfo"]["username"], "admin");
}

TEST(ReviewCodecTest, DecodesV1beta1UpdateWithOldObject) {
  Result<AdmissionRequest> r =
      DecodeReview(Fixture("raycluster_update_v1beta1.json"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->api_version, kAdmissionV1beta1);
  EXPECT_EQ(r->operation, "UPDATE");
  EXPECT_EQ(r->old_object["spec"]["workerGroupSpecs"][0]["replicas"], 1);
  EXPECT_EQ(r->object["spec"]["workerGroupSpecs"][0]["replicas"], 2);
}

TEST(ReviewCodecTest, DecodesDryRunAndHtmlEscapes) {
  Result<AdmissionRequest> r = DecodeReview(
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",)"
      R"("request":{"uid":"u1","dryRun":true,"operation":"CREATE",)"
      R"("object":{"metadata":{"annotations":{"a":"\u003cb\u003e"}}}}})"
      "\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->dry_run);
  EXPECT_EQ(r->object["metadata"]["annotations"]["a"], "<b>");
}

struct BadReview {
  const char* name;
  std::string body;
  const char* says;
};

class ReviewCodecRejects : public ::testing::TestWithParam<BadReview> {};

TEST_P(ReviewCodecRejects, SaysWhatIsWrong) {
  Result<AdmissionRequest> r = DecodeReview(GetParam().body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(GetParam().says));
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, ReviewCodecRejects,
    ::testing::Values(
        BadReview{"Malformed", "{\"apiVersion\": ", "malformed JSON"},
        BadReview{"Empty", "", "malformed JSON"},
        BadReview{"NotAnObject", "[1,2]", "not a JSON object"},
        BadReview{"WrongApiVersion",
                  R"({"apiVersion":"v1","kind":"AdmissionReview","request":{"uid":"u"}})",
                  "apiVersion must be admission.k8s.io/v1"},
        BadReview{"WrongKind",
                  R"({"apiVersion":"admission.k8s.io/v1","kind":"Pod","request":{"uid":"u"}})",
                  "kind must be AdmissionReview"},
        BadReview{"NoRequest",
                  R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"})",
                  "request is missing"},
        BadReview{"NoUid",
                  R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}})",
                  "request.uid is missing"},
        BadReview{"UidNotString",
                  R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}})",
                  "request.uid is missing"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ReviewCodecTest, EncodesAnAllowedReviewMinimally) {
  AdmissionResponse r;
  r.uid = "u1";
  json out = json::parse(EncodeReview(kAdmissionV1, r));
  EXPECT_EQ(out, json::parse(R"({"apiVersion":"admission.k8s.io/v1",
      "kind":"AdmissionReview","response":{"uid":"u1","allowed":true}})"));
}

TEST(ReviewCodecTest, EncodesDenialWithStatusCausesAndWarnings) {
  AdmissionResponse r;
  r.uid = "u2";
  r.allowed = false;
  r.code = 422;
  r.reason = "Invalid";
  r.message = "RayCluster.ray.io \"x\" is invalid: spec.a: Invalid value: 1: bad";
  r.causes.push_back({"spec.a", "Invalid value: 1: bad", "FieldValueInvalid"});
  r.warnings = {"spec.b: deprecated"};
  r.audit_annotations = {{"p/k", "v"}};
  json out = json::parse(EncodeReview(kAdmissionV1beta1, r));
  EXPECT_EQ(out["apiVersion"], kAdmissionV1beta1);
  const json& resp = out["response"];
  EXPECT_EQ(resp["uid"], "u2");
  EXPECT_EQ(resp["allowed"], false);
  EXPECT_EQ(resp["status"]["code"], 422);
  EXPECT_EQ(resp["status"]["reason"], "Invalid");
  EXPECT_EQ(resp["status"]["status"], "Failure");
  EXPECT_EQ(resp["status"]["message"], r.message);
  EXPECT_EQ(resp["status"]["details"]["causes"][0],
            json::parse(R"({"field":"spec.a","message":"Invalid value: 1: bad",
                            "reason":"FieldValueInvalid"})"));
  EXPECT_EQ(resp["warnings"], json::array({"spec.b: deprecated"}));
  EXPECT_EQ(resp["auditAnnotations"]["p/k"], "v");
  EXPECT_FALSE(resp.contains("patch"));
}

TEST(ReviewCodecTest, EncodesPatchAsBase64JsonPatch) {
  AdmissionResponse r;
  r.uid = "u3";
  r.patch = R"([{"op":"add","path":"/metadata/labels/team","value":"ml"}])";
  json resp = json::parse(EncodeReview(kAdmissionV1, r))["response"];
  EXPECT_EQ(resp["patchType"], "JSONPatch");
  EXPECT_EQ(resp["patch"],
            "W3sib3AiOiJhZGQiLCJwYXRoIjoiL21ldGFkYXRhL2xhYmVscy90ZWFtIiwidmFs"
            "dWUiOiJtbCJ9XQ==");
}

TEST(ReviewCodecTest, Base64MatchesRfc4648Vectors) {
  // RFC 4648 section 10.
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(ReviewCodecTest, InvalidUtf8InAMessageDoesNotBreakTheReply) {
  AdmissionResponse r;
  r.uid = "u4";
  r.allowed = false;
  r.code = 422;
  r.message = "bad \xff name";
  json parsed;
  EXPECT_NO_THROW(parsed = json::parse(EncodeReview(kAdmissionV1, r)));
}

// Found by fuzz_admission: a body that starts with a number too large for a
// double escaped DecodeReview as an uncaught nlohmann out_of_range exception.
TEST(ReviewCodecTest, OverflowingTopLevelNumberIsMalformedJson) {
  Result<AdmissionRequest> r = DecodeReview(
      "55555555e558f5d2Y0\":000-9ve{\"kind\":\"Admi0ss5550");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), ::testing::HasSubstr("malformed JSON"));
}

}  // namespace
}  // namespace rayguard::admission
