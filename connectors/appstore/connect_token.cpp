#include "connectors/appstore/connect_token.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "connectors/common/jwt.h"
#include "mention/common/file.h"

namespace carewatch::appstore {

ConnectToken::ConnectToken(const AppStoreOptions& options)
    : issuer_id_(options.issuer_id.value_or("")),
      key_id_(options.key_id.value_or("")),
      key_text_(options.private_key),
      key_path_(options.private_key_path) {}

std::optional<std::string> ConnectToken::get(std::int64_t now_s, std::string& error) {
  std::lock_guard lock(mutex_);
  if (!token_.empty() && now_s >= made_at_ && now_s - made_at_ < kReuse) return token_;
  std::string key;
  std::string option = "options.private_key";
  if (key_text_) {
    key = *key_text_;
  } else if (key_path_) {
    option = "options.private_key_path";
    std::string why;
    if (!read_file(key_path_->resolved, key, why)) {
      error = option + ": " + why;
      return std::nullopt;
    }
  } else {
    error = "options.private_key: required to reply (with issuer_id and key_id)";
    return std::nullopt;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("iss");
  w.String(issuer_id_.c_str(), static_cast<rapidjson::SizeType>(issuer_id_.size()));
  w.Key("iat");
  w.Int64(now_s);
  w.Key("exp");
  w.Int64(now_s + kLifetime);
  w.Key("aud");
  w.String("appstoreconnect-v1");
  w.EndObject();
  std::string why;
  auto token = jwt::sign(jwt::Alg::ES256, jwt::header(jwt::Alg::ES256, key_id_),
                         std::string(buffer.GetString(), buffer.GetSize()), key, why);
  if (!token) {
    error = option + ": " + why + " (the AuthKey_<key_id>.p8 file of an App Store Connect API key)";
    return std::nullopt;
  }
  token_ = std::move(*token);
  made_at_ = now_s;
  return token_;
}

void ConnectToken::reset() {
  std::lock_guard lock(mutex_);
  token_.clear();
}

}  // namespace carewatch::appstore
