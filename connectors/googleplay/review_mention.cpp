#include "connectors/googleplay/review_mention.h"

#include <cstdlib>

#include "connectors/common/json_text.h"
#include "mention/common/url.h"
#include "mention/utf8.h"

namespace carewatch::googleplay {

namespace {

using rapidjson::Value;
using text::json_string;
using text::quoted;
using text::type_name;

constexpr const char* kPlatform = "googleplay";

// Protobuf's JSON writes an int64 as a string; accept a number too.
bool int64_of(const Value& v, std::int64_t& out) {
  if (v.IsInt64()) {
    out = v.GetInt64();
    return true;
  }
  if (!v.IsString()) return false;
  const std::string s = json_string(v);
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::strtoll(s.c_str(), nullptr, 10);
  return true;
}

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

}  // namespace

std::optional<PlayReview> to_review(const Value& review, const std::string& path, const std::string& source,
                                    const std::string& package, TimeMs now, const Warn& warn) {
  auto skip = [&](const std::string& where, const std::string& why) {
    warn("reviews: " + path + where + ": " + why);
    return std::nullopt;
  };
  if (!review.IsObject()) return skip("", std::string("expected an object, got ") + type_name(review));
  const auto id = review.FindMember("reviewId");
  if (id == review.MemberEnd()) return skip(".reviewId", "missing");
  if (!id->value.IsString() || id->value.GetStringLength() == 0)
    return skip(".reviewId", std::string("expected a string, got ") + type_name(id->value));
  PlayReview r;
  r.review_id = json_string(id->value);
  const auto comments = review.FindMember("comments");
  if (comments == review.MemberEnd()) return skip(".comments", "missing");
  if (!comments->value.IsArray()) return skip(".comments", std::string("expected an array, got ") + type_name(comments->value));
  const Value* user = nullptr;
  std::string user_path;
  for (rapidjson::SizeType i = 0; i < comments->value.Size(); ++i) {
    const Value& c = comments->value[i];
    if (!c.IsObject()) continue;
    if (!user && c.HasMember("userComment")) {
      user = &c["userComment"];
      user_path = ".comments[" + std::to_string(i) + "].userComment";
    } else if (c.HasMember("developerComment") && c["developerComment"].IsObject() &&
               c["developerComment"].HasMember("text") && c["developerComment"]["text"].IsString()) {
      r.developer_reply = json_string(c["developerComment"]["text"]);
    }
  }
  if (!user) return skip(".comments", "no userComment");
  if (!user->IsObject()) return skip(user_path, std::string("expected an object, got ") + type_name(*user));
  const auto text = user->FindMember("text");
  if (text == user->MemberEnd()) return skip(user_path + ".text", "missing");
  if (!text->value.IsString()) return skip(user_path + ".text", std::string("expected a string, got ") + type_name(text->value));
  const auto stars = user->FindMember("starRating");
  if (stars == user->MemberEnd()) return skip(user_path + ".starRating", "missing");
  if (!stars->value.IsInt()) return skip(user_path + ".starRating", std::string("expected a number, got ") + type_name(stars->value));
  const int rating = stars->value.GetInt();
  if (rating < 1 || rating > 5) return skip(user_path + ".starRating", "expected 1 to 5, got " + std::to_string(rating));
  const auto modified = user->FindMember("lastModified");
  if (modified == user->MemberEnd()) return skip(user_path + ".lastModified", "missing");
  if (!modified->value.IsObject())
    return skip(user_path + ".lastModified", std::string("expected an object, got ") + type_name(modified->value));
  const auto seconds = modified->value.FindMember("seconds");
  if (seconds == modified->value.MemberEnd() || !int64_of(seconds->value, r.modified))
    return skip(user_path + ".lastModified.seconds", "expected an integer (as a string), got " +
                                                          (seconds == modified->value.MemberEnd()
                                                               ? std::string("nothing")
                                                               : std::string(type_name(seconds->value))));
  std::int64_t nanos = 0;
  if (const auto n = modified->value.FindMember("nanos"); n != modified->value.MemberEnd() && n->value.IsInt64())
    nanos = n->value.GetInt64();

  Mention& m = r.mention;
  m.platform = kPlatform;
  m.source = source;
  m.native_id = r.review_id + "@" + std::to_string(r.modified);
  m.uid = make_uid(m.platform, m.native_id);
  m.conversation_id = r.review_id;
  std::string body = trim(to_valid_utf8(json_string(text->value)));
  for (char& c : body)
    if (c == '\t') c = '\n';
  m.text = std::move(body);
  m.rating = rating;
  m.posted_at = r.modified * 1000 + nanos / 1000000;
  m.seen_at = now;
  m.url = review_url(package, r.review_id);
  if (const auto v = user->FindMember("appVersionName"); v != user->MemberEnd() && v->value.IsString())
    m.app_version = json_string(v->value);
  if (const auto l = user->FindMember("reviewerLanguage"); l != user->MemberEnd() && l->value.IsString()) {
    m.language = json_string(l->value);
    for (char& c : m.language)
      if (c == '_') c = '-';
  }
  if (const auto a = review.FindMember("authorName"); a != review.MemberEnd()) {
    if (!a->value.IsString()) return skip(".authorName", std::string("expected a string, got ") + type_name(a->value));
    m.author.handle = to_valid_utf8(json_string(a->value));
    m.author.display_name = m.author.handle;
  }
  m.raw = text::to_text(review);
  return r;
}

std::string review_id_of(const Mention& mention) {
  if (mention.platform != kPlatform) return {};
  if (!mention.conversation_id.empty()) return mention.conversation_id;
  const size_t at = mention.native_id.rfind('@');
  return at == std::string::npos ? mention.native_id : mention.native_id.substr(0, at);
}

std::string review_url(const std::string& package, const std::string& review_id) {
  return "https://play.google.com/store/apps/details?" + encode_query({{"id", package}, {"reviewId", review_id}});
}

}  // namespace carewatch::googleplay
