// JWTs signed with OpenSSL (connectors/common/jwt.h), in the compact JWS form of RFC 7515: ES256
// as App Store Connect wants it (raw 64-byte r || s, RFC 7518 3.4) and RS256 as Google's token
// endpoint wants it, each checked here against OpenSSL's own verification with keys made for the
// test.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "connectors/common/jwt.h"
#include "tests/support/fake_appstore.h"
#include "tests/support/fake_googleplay.h"

namespace carewatch {
namespace {

// The signature over the first two parts, verified by OpenSSL with the public key. ES256's raw
// r || s is turned into DER first.
bool openssl_verifies(const std::string& token, const std::string& public_pem, bool es256) {
  const size_t b = token.rfind('.');
  auto sig = jwt::base64url_decode(token.substr(b + 1));
  if (!sig) return false;
  std::string der = *sig;
  if (es256) {
    if (sig->size() != 64) return false;
    ECDSA_SIG* s = ECDSA_SIG_new();
    ECDSA_SIG_set0(s, BN_bin2bn(reinterpret_cast<const unsigned char*>(sig->data()), 32, nullptr),
                   BN_bin2bn(reinterpret_cast<const unsigned char*>(sig->data()) + 32, 32, nullptr));
    unsigned char* out = nullptr;
    const int n = i2d_ECDSA_SIG(s, &out);
    der.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    OPENSSL_free(out);
    ECDSA_SIG_free(s);
  }
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const std::string input = token.substr(0, b);
  const bool ok = key && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                                   reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  ERR_clear_error();
  return ok;
}

TEST(Jwt, Base64UrlHasNoPaddingAndTheUrlAlphabet) {
  EXPECT_EQ(jwt::base64url(""), "");
  EXPECT_EQ(jwt::base64url("f"), "Zg");
  EXPECT_EQ(jwt::base64url("fo"), "Zm8");
  EXPECT_EQ(jwt::base64url("foo"), "Zm9v");
  EXPECT_EQ(jwt::base64url("\xFB\xFF\xBF"), "-_-_");
  EXPECT_EQ(jwt::base64url_decode("-_-_"), std::string("\xFB\xFF\xBF"));
  EXPECT_EQ(jwt::base64url_decode("Zm8="), std::string("fo"));
  EXPECT_FALSE(jwt::base64url_decode("Zm+v"));
  EXPECT_FALSE(jwt::base64url_decode("Z"));
  const std::string all = [] {
    std::string s;
    for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
    return s;
  }();
  EXPECT_EQ(jwt::base64url_decode(jwt::base64url(all)), all);
}

TEST(Jwt, HeaderIsCompactJson) {
  EXPECT_EQ(jwt::header(jwt::Alg::ES256, "2X9R4HXF34"), R"({"alg":"ES256","kid":"2X9R4HXF34","typ":"JWT"})");
  EXPECT_EQ(jwt::header(jwt::Alg::RS256, ""), R"({"alg":"RS256","typ":"JWT"})");
}

TEST(Jwt, Es256SignsWithARawSixtyFourByteSignatureOpenSslVerifies) {
  const auto key = testing::make_test_ec_key();
  const std::string claims = R"({"iss":"issuer","iat":1700000000,"exp":1700000900,"aud":"appstoreconnect-v1"})";
  std::string error;
  for (int i = 0; i < 20; ++i) {  // r and s with leading zero bytes must keep 32 bytes each
    auto token = jwt::sign(jwt::Alg::ES256, jwt::header(jwt::Alg::ES256, "K1"), claims, key.private_pem, error);
    ASSERT_TRUE(token) << error;
    const size_t a = token->find('.'), b = token->rfind('.');
    EXPECT_EQ(jwt::base64url_decode(token->substr(0, a)), jwt::header(jwt::Alg::ES256, "K1"));
    EXPECT_EQ(jwt::base64url_decode(token->substr(a + 1, b - a - 1)), claims);
    EXPECT_EQ(jwt::base64url_decode(token->substr(b + 1))->size(), 64u);
    EXPECT_TRUE(openssl_verifies(*token, key.public_pem, true));
    EXPECT_FALSE(openssl_verifies(*token, testing::make_test_ec_key().public_pem, true));
  }
}

TEST(Jwt, Rs256SignsWhatOpenSslVerifies) {
  const auto key = testing::make_test_rsa_key();
  std::string error;
  auto token = jwt::sign(jwt::Alg::RS256, jwt::header(jwt::Alg::RS256, "abc"), R"({"iss":"a@b"})", key.private_pem, error);
  ASSERT_TRUE(token) << error;
  EXPECT_EQ(jwt::base64url_decode(token->substr(token->rfind('.') + 1))->size(), 256u);
  EXPECT_TRUE(openssl_verifies(*token, key.public_pem, false));
  // Tampered claims do not verify.
  std::string tampered = *token;
  const size_t a = tampered.find('.');
  tampered.replace(a + 1, tampered.rfind('.') - a - 1, jwt::base64url(R"({"iss":"x@b"})"));
  EXPECT_FALSE(openssl_verifies(tampered, key.public_pem, false));
}

TEST(Jwt, AKeyOfTheWrongKindOrNoKeyIsRefusedWithoutQuotingIt) {
  const auto ec = testing::make_test_ec_key();
  const auto rsa = testing::make_test_rsa_key();
  std::string error;
  EXPECT_TRUE(jwt::check_private_key(jwt::Alg::ES256, ec.private_pem, error)) << error;
  EXPECT_TRUE(jwt::check_private_key(jwt::Alg::RS256, rsa.private_pem, error)) << error;
  EXPECT_FALSE(jwt::check_private_key(jwt::Alg::ES256, rsa.private_pem, error));
  EXPECT_NE(error.find("EC P-256"), std::string::npos) << error;
  EXPECT_FALSE(jwt::check_private_key(jwt::Alg::RS256, ec.private_pem, error));
  EXPECT_NE(error.find("RSA"), std::string::npos) << error;
  EXPECT_FALSE(jwt::sign(jwt::Alg::ES256, "{}", "{}", "hunter2-secret", error));
  EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
  EXPECT_FALSE(jwt::check_private_key(jwt::Alg::ES256, ec.public_pem, error));  // a public key cannot sign
  EXPECT_EQ(error.find("BEGIN PUBLIC"), std::string::npos) << error;
  const std::string damaged = ec.private_pem.substr(0, 70) + "\n-----END PRIVATE KEY-----\n";
  EXPECT_FALSE(jwt::check_private_key(jwt::Alg::ES256, damaged, error));
}

}  // namespace
}  // namespace carewatch
