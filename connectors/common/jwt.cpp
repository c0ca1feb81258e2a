#include "connectors/common/jwt.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstring>
#include <memory>
#include <vector>

namespace carewatch::jwt {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// The private key of `pem`, or null with `error` set. OpenSSL's error queue is cleared either
// way (it would otherwise leak into the next TLS handshake's diagnostics).
Pkey read_key(Alg alg, std::string_view pem, std::string& error) {
  if (pem.find("-----BEGIN") == std::string_view::npos) {
    error = "not a PEM private key (expected text starting \"-----BEGIN PRIVATE KEY-----\")";
    return nullptr;
  }
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  if (!key) {
    error = "not a readable PEM private key (an encrypted key, a public key or damaged text?)";
    return nullptr;
  }
  if (alg == Alg::ES256) {
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC) {
      error = "ES256 needs an EC P-256 private key, this is another kind of key";
      return nullptr;
    }
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1 ||
        (std::strcmp(group, "prime256v1") != 0 && std::strcmp(group, "P-256") != 0)) {
      ERR_clear_error();
      error = "ES256 needs an EC key on the P-256 curve, this key is on another curve";
      return nullptr;
    }
  } else {
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
      error = "RS256 needs an RSA private key, this is another kind of key";
      return nullptr;
    }
    if (EVP_PKEY_get_bits(key.get()) < 2048) {
      error = "RS256 needs an RSA key of at least 2048 bits";
      return nullptr;
    }
  }
  return key;
}

// DER ECDSA-Sig-Value (SEQUENCE of INTEGER r, s) into the JOSE form: r and s as 32-byte
// big-endian numbers, concatenated.
std::optional<std::string> der_to_raw(const unsigned char* der, size_t size) {
  const unsigned char* p = der;
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(size)));
  if (!sig) return std::nullopt;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  unsigned char out[64];
  if (BN_bn2binpad(r, out, 32) != 32 || BN_bn2binpad(s, out + 32, 32) != 32) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

}  // namespace

const char* alg_name(Alg alg) { return alg == Alg::ES256 ? "ES256" : "RS256"; }

std::string base64url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (bits >= 6) return std::nullopt;  // a single dangling character is not base64
  return out;
}

bool check_private_key(Alg alg, std::string_view private_key_pem, std::string& error) {
  return read_key(alg, private_key_pem, error) != nullptr;
}

std::optional<std::string> sign(Alg alg, std::string_view header_json, std::string_view claims_json,
                                std::string_view private_key_pem, std::string& error) {
  Pkey key = read_key(alg, private_key_pem, error);
  if (!key) return std::nullopt;
  const std::string input = base64url(header_json) + "." + base64url(claims_json);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()), input.size()) !=
          1) {
    ERR_clear_error();
    error = std::string("OpenSSL could not sign with the ") + alg_name(alg) + " key";
    return std::nullopt;
  }
  std::vector<unsigned char> signature(size);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    ERR_clear_error();
    error = std::string("OpenSSL could not sign with the ") + alg_name(alg) + " key";
    return std::nullopt;
  }
  signature.resize(size);
  std::string sig_bytes;
  if (alg == Alg::ES256) {
    auto raw = der_to_raw(signature.data(), signature.size());
    if (!raw) {
      error = "OpenSSL returned an ECDSA signature that is not DER";
      return std::nullopt;
    }
    sig_bytes = std::move(*raw);
  } else {
    sig_bytes.assign(reinterpret_cast<const char*>(signature.data()), signature.size());
  }
  return input + "." + base64url(sig_bytes);
}

std::string header(Alg alg, std::string_view kid) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("alg");
  w.String(alg_name(alg));
  if (!kid.empty()) {
    w.Key("kid");
    w.String(kid.data(), static_cast<rapidjson::SizeType>(kid.size()));
  }
  w.Key("typ");
  w.String("JWT");
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace carewatch::jwt
