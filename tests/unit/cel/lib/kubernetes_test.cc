// The Kubernetes libraries, one table row per behaviour a policy relies on.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/cel/expect_eval.h"
#include "webhook/cel/cel.h"

namespace rayguard::cel {
namespace {

struct Row {
  std::string expr;
  std::string expected;  // DebugString, or "error: <substring>", or "compile"
};

class KubernetesLibraryTest : public ::testing::TestWithParam<Row> {};

TEST_P(KubernetesLibraryTest, MatchesKubernetes) {
  ExpectEval(GetParam().expr, GetParam().expected, Env::Admission(),
             Activation());
}

INSTANTIATE_TEST_SUITE_P(
    Quantity, KubernetesLibraryTest,
    ::testing::Values(
        Row{"quantity('200M') == quantity('0.2G')", "true"},
        Row{"quantity('1Gi').isGreaterThan(quantity('1G'))", "true"},
        Row{"quantity('500m').add(quantity('1500m')) == quantity('2')",
            "true"},
        Row{"quantity('1.5').isInteger()", "false"},
        Row{"quantity('1Gi').compareTo(quantity('1024Mi'))", "0"},
        Row{"sign(quantity('2').sub(3))", "-1"},
        Row{"quantity('2').sign()", "compile"},
        Row{"isQuantity('1K')", "false"},
        Row{"quantity('1K')", "compile"},
        Row{"quantity('0.5').asApproximateFloat()", "0.5"},
        Row{"string(quantity('1536Mi'))", "\"1536Mi\""}));

INSTANTIATE_TEST_SUITE_P(
    Lists, KubernetesLibraryTest,
    ::testing::Values(
        Row{"[1, 2, 2, 3].isSorted()", "true"},
        Row{"[1, 2, 3].sum()", "6"},
        Row{"[3, 1, 2].min()", "1"},
        Row{"['a', 'c', 'b'].max()", "\"c\""},
        Row{"[1, 2, 2].lastIndexOf(2)", "2"},
        Row{"[1].filter(x, false).min()", "error: empty list"},
        Row{"[[1], [2]].min()", "compile"},
        Row{"sets.contains([1, 2, 3], [2, 3])", "true"},
        Row{"sets.intersects(['a'], ['b'])", "false"},
        Row{"[3, 1, 2].sortBy(x, -x)", "[3, 2, 1]"},
        Row{"lists.range(3).reverse()", "[2, 1, 0]"}));

INSTANTIATE_TEST_SUITE_P(
    StringsAndRegex, KubernetesLibraryTest,
    ::testing::Values(
        Row{"'ta©o©αT'.indexOf('©', 3)", "4"},
        Row{"'hello'.charAt(1)", "\"e\""},
        Row{"'a,b,c'.split(',', 2)", "[\"a\", \"b,c\"]"},
        Row{"' x '.trim()", "\"x\""},
        Row{"['a', 'b'].join('-')", "\"a-b\""},
        Row{"'abc'.substring(1)", "\"bc\""},
        Row{"'abc'.substring(2, 1)", "error: invalid substring range"},
        Row{"'img:1.2'.find('[0-9.]+')", "\"1.2\""},
        Row{"'a1b22'.findAll('[0-9]+')", "[\"1\", \"22\"]"},
        Row{"'x'.find(')')", "compile"}));

INSTANTIATE_TEST_SUITE_P(
    Network, KubernetesLibraryTest,
    ::testing::Values(
        Row{"ip('2001:DB8::1') == ip('2001:db8::1')", "true"},
        Row{"string(ip('2001:db8:0:0:0:0:0:1'))", "\"2001:db8::1\""},
        Row{"ip('::ffff:1.2.3.4')", "compile"},
        Row{"isIP('01.2.3.4')", "false"},
        Row{"cidr('10.0.0.0/8').containsIP('10.1.2.3')", "true"},
        Row{"cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", "true"},
        Row{"string(cidr('192.168.0.1/24').masked())", "\"192.168.0.0/24\""},
        Row{"ip('169.254.1.1').isLinkLocalUnicast()", "true"},
        Row{"ip('10.0.0.1').isGlobalUnicast()", "true"}));

INSTANTIATE_TEST_SUITE_P(
    SemverAndUrl, KubernetesLibraryTest,
    ::testing::Values(
        Row{"semver('1.2.3-rc.1').isLessThan(semver('1.2.3'))", "true"},
        Row{"semver('v01.2', true).minor()", "2"},
        Row{"isSemver('1.2')", "false"},
        Row{"semver('1.0.0+build') == semver('1.0.0')", "true"},
        Row{"url('https://example.com:8443/a b').getPort()", "\"8443\""},
        Row{"url('https://example.com/a b').getEscapedPath()", "\"/a%20b\""},
        Row{"url('https://[::1]:80/').getHostname()", "\"::1\""},
        Row{"url('https://x/?k=a&k=b').getQuery()", "{\"k\": [\"a\", \"b\"]}"},
        Row{"isURL('../relative')", "false"}));

}  // namespace
}  // namespace rayguard::cel
