// OAuth 1.0a signing (connectors/x/oauth1.h) against the worked example of X's "Creating a
// signature" page (docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature): its
// request, keys, nonce and timestamp, its signature base string byte for byte, and its signature.
// The page now shows api.x.com in the base URL, whose signature is Ls93hJiZbQ3akF3HF3x1Bz8/zU4=;
// its earlier editions (api.twitter.com) give hCtSmYh+iHYCEqBWrE7C7hYmtUk=. Both were also
// checked with `openssl dgst -sha1 -hmac`.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "connectors/x/oauth1.h"

namespace carewatch::x {
namespace {

const OAuth1Credentials kDocs{"xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                              "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                              "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"};
const std::string kNonce = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg";
const std::string kStatus = "Hello Ladies + Gentlemen, a signed OAuth request!";

OAuthParams docs_params() {
  return {{"status", kStatus},
          {"include_entities", "true"},
          {"oauth_consumer_key", kDocs.consumer_key},
          {"oauth_nonce", kNonce},
          {"oauth_signature_method", "HMAC-SHA1"},
          {"oauth_timestamp", "1318622958"},
          {"oauth_token", kDocs.token},
          {"oauth_version", "1.0"}};
}

TEST(XOAuth1, PercentEncodingIsRfc3986) {
  EXPECT_EQ(oauth_encode(kStatus), "Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21");
  EXPECT_EQ(oauth_encode("An encoded string!"), "An%20encoded%20string%21");
  EXPECT_EQ(oauth_encode("Dogs, Cats & Mice"), "Dogs%2C%20Cats%20%26%20Mice");
  EXPECT_EQ(oauth_encode("\xE2\x98\x83"), "%E2%98%83");  // the page's snowman
  EXPECT_EQ(oauth_encode("a-b.c_d~e*f'g(h)"), "a-b.c_d~e%2Af%27g%28h%29");
}

TEST(XOAuth1, TheDocsSignatureBaseStringByteForByte) {
  EXPECT_EQ(signature_base_string("POST", "https://api.x.com/1.1/statuses/update.json?include_entities=true",
                                  docs_params()),
            "POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_"
            "key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_"
            "signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-"
            "GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%"
            "2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521");
}

TEST(XOAuth1, TheDocsSignature) {
  // The signing key: both secrets, encoded, joined with '&'.
  EXPECT_EQ(hmac_sha1_base64("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
                             signature_base_string("POST", "https://api.x.com/1.1/statuses/update.json", docs_params())),
            "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=");  // X's page: 2E CF 77 84 98 99 6D 0D ... as base64
  EXPECT_EQ(oauth_signature(kDocs, "POST", "https://api.x.com/1.1/statuses/update.json", docs_params()),
            "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=");
  EXPECT_EQ(oauth_signature(kDocs, "POST", "https://api.twitter.com/1.1/statuses/update.json", docs_params()),
            "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
  // Parameter order does not matter: they are sorted.
  OAuthParams reversed = docs_params();
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(oauth_signature(kDocs, "post", "https://api.twitter.com/1.1/statuses/update.json", reversed),
            "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
}

TEST(XOAuth1, TheHeaderCarriesTheSignatureAndEveryOauthValueEncoded) {
  const std::string header =
      authorization_header(kDocs, "POST", "https://api.twitter.com/1.1/statuses/update.json",
                           {{"include_entities", "true"}, {"status", kStatus}}, kNonce, 1318622958);
  EXPECT_EQ(header,
            "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "
            "oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", "
            "oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", "
            "oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", "
            "oauth_version=\"1.0\"");
  const OAuthParams parsed = parse_authorization_header(header);
  ASSERT_EQ(parsed.size(), 7u);
  const std::map<std::string, std::string> values(parsed.begin(), parsed.end());
  EXPECT_EQ(values.at("oauth_signature"), "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
  EXPECT_TRUE(parse_authorization_header("Bearer abc").empty());
  EXPECT_TRUE(parse_authorization_header("OAuth oauth_nonce=\"%zz\"").empty());
}

TEST(XOAuth1, TheBaseUrlIsNormalized) {
  EXPECT_EQ(signature_base_url("HTTPS://API.X.com:443/2/tweets?a=1#f"), "https://api.x.com/2/tweets");
  EXPECT_EQ(signature_base_url("http://127.0.0.1:8080/2/tweets"), "http://127.0.0.1:8080/2/tweets");
  EXPECT_EQ(signature_base_url("http://example.com:80/a"), "http://example.com/a");
  EXPECT_EQ(signature_base_url("https://api.x.com"), "https://api.x.com/");
}

TEST(XOAuth1, NoncesAreFreshHex) {
  const std::string a = make_nonce(), b = make_nonce();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace carewatch::x
