#include "connectors/appstore/review_mention.h"

#include "connectors/common/json_text.h"
#include "mention/utf8.h"

namespace carewatch::appstore {

namespace {

using rapidjson::Value;
using text::json_string;
using text::quoted;
using text::type_name;

constexpr const char* kPlatform = "appstore";

// The string at obj[name].label. `required`: a missing value is a problem (set in `why`); a
// wrong type always is.
std::optional<std::string> label(const Value& obj, const char* name, bool required, std::string& why) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) {
    if (required) why = std::string(name) + ": missing";
    return std::nullopt;
  }
  if (!it->value.IsObject()) {
    why = std::string(name) + ": expected an object with a \"label\", got " + type_name(it->value);
    return std::nullopt;
  }
  const auto l = it->value.FindMember("label");
  if (l == it->value.MemberEnd()) {
    if (required) why = std::string(name) + ".label: missing";
    return std::nullopt;
  }
  if (!l->value.IsString()) {
    why = std::string(name) + ".label: expected a string, got " + type_name(l->value);
    return std::nullopt;
  }
  return json_string(l->value);
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 30 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

std::string feed_entries(const Value& doc, std::vector<const Value*>& entries) {
  if (!doc.IsObject()) return std::string("expected a JSON object with \"feed\", got ") + type_name(doc);
  const auto feed = doc.FindMember("feed");
  if (feed == doc.MemberEnd()) return "feed: missing";
  if (!feed->value.IsObject()) return std::string("feed: expected an object, got ") + type_name(feed->value);
  const auto entry = feed->value.FindMember("entry");
  if (entry == feed->value.MemberEnd()) return {};  // a page without entries
  if (entry->value.IsObject()) {
    entries.push_back(&entry->value);
    return {};
  }
  if (!entry->value.IsArray())
    return std::string("feed.entry: expected an array or an object, got ") + type_name(entry->value);
  for (const auto& e : entry->value.GetArray()) entries.push_back(&e);
  return {};
}

bool is_app_metadata(const Value& entry) {
  return entry.IsObject() && entry.HasMember("im:name") && !entry.HasMember("im:rating");
}

std::optional<FeedReview> entry_to_review(const Value& entry, const std::string& path, const FeedOrigin& origin,
                                          TimeMs now, const Warn& warn) {
  auto skip = [&](const std::string& why) {
    warn(origin.label + ": " + path + (why.empty() || why[0] == ':' ? "" : ".") + why);
    return std::nullopt;
  };
  if (!entry.IsObject()) return skip(std::string(": expected an object, got ") + type_name(entry));
  std::string why;
  const auto id = label(entry, "id", true, why);
  if (!id) return skip(why);
  if (!all_digits(*id)) return skip("id.label: expected the review's numeric id, got " + quoted(*id));
  const auto rating = label(entry, "im:rating", true, why);
  if (!rating) return skip(why);
  if (rating->size() != 1 || (*rating)[0] < '1' || (*rating)[0] > '5')
    return skip("im:rating.label: expected \"1\" to \"5\", got " + quoted(*rating));
  const auto updated = label(entry, "updated", true, why);
  if (!updated) return skip(why);
  TimeMs updated_ms = 0;
  if (!parse_iso8601(*updated, updated_ms)) return skip("updated.label: expected an ISO 8601 time, got " + quoted(*updated));
  const auto content = label(entry, "content", true, why);
  if (!content) return skip(why);
  const auto title = label(entry, "title", false, why);
  if (!why.empty()) return skip(why);
  const auto version = label(entry, "im:version", false, why);
  if (!why.empty()) return skip(why);

  FeedReview r;
  r.review_id = *id;
  r.updated = updated_ms >= 0 ? updated_ms / 1000 : -((-updated_ms + 999) / 1000);
  Mention& m = r.mention;
  m.platform = kPlatform;
  m.source = origin.source;
  m.native_id = *id + "@" + std::to_string(r.updated);
  m.uid = make_uid(m.platform, m.native_id);
  m.conversation_id = *id;
  m.url = reviews_page_url(origin.country, origin.app_id);
  std::string body = to_valid_utf8(*content);
  const std::string head = title ? to_valid_utf8(*title) : std::string();
  m.text = head.empty() ? body : body.empty() ? head : head + "\n" + body;
  m.posted_at = updated_ms;
  m.seen_at = now;
  m.rating = (*rating)[0] - '0';
  if (version) m.app_version = *version;
  if (const auto author = entry.FindMember("author"); author != entry.MemberEnd()) {
    if (!author->value.IsObject()) return skip(std::string("author: expected an object, got ") + type_name(author->value));
    const auto name = label(author->value, "name", false, why);
    if (!why.empty()) return skip("author." + why);
    const auto uri = label(author->value, "uri", false, why);
    if (!why.empty()) return skip("author." + why);
    if (name) {
      m.author.handle = to_valid_utf8(*name);
      m.author.display_name = m.author.handle;
    }
    // ".../us/reviews/id524855897": the reviewer's user id.
    if (uri) {
      const size_t at = uri->rfind("/id");
      if (at != std::string::npos && all_digits(uri->substr(at + 3))) m.author.id = uri->substr(at + 3);
    }
  }
  m.raw = text::to_text(entry);
  return r;
}

std::string review_id_of(const Mention& mention) {
  if (mention.platform != kPlatform) return {};
  std::string id = mention.conversation_id;
  if (id.empty()) id = mention.native_id.substr(0, mention.native_id.find('@'));
  return all_digits(id) ? id : std::string();
}

std::string reviews_page_url(const std::string& country, const std::string& app_id) {
  return "https://apps.apple.com/" + country + "/app/id" + app_id + "?see-all=reviews";
}

}  // namespace carewatch::appstore
