#include "connectors/mastodon/status_mention.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "connectors/common/html_text.h"
#include "connectors/common/json_text.h"
#include "connectors/mastodon/pagination.h"

namespace carewatch::mastodon {

using namespace text;  // the shared JSON and message text helpers

using rapidjson::Value;

StatusMention status_to_mention(const Value& st, const std::string& path, const StatusOrigin& origin, TimeMs now,
                                const Warn& warn) {
  auto field = [&](const char* name) -> const Value* {
    const auto it = st.FindMember(name);
    return it == st.MemberEnd() ? nullptr : &it->value;
  };
  auto bad = [&](const std::string& f, const std::string& what) {
    warn(origin.label + ": " + path + "." + f + ": " + what);
    return StatusMention{};
  };
  const Value* id = field("id");
  if (!id) return bad("id", "missing");
  if (!id->IsString()) return bad("id", std::string("expected a string, got ") + type_name(*id));
  if (!valid_id(std::string_view(id->GetString(), id->GetStringLength())))
    return bad("id", "expected an id of letters and digits, got " + quoted(json_string(*id)));
  if (const Value* reblog = field("reblog"); reblog && !reblog->IsNull())
    return StatusMention{std::nullopt, true};  // a boost repeats someone else's status: not a new mention
  const Value* account = field("account");
  if (!account) return bad("account", "missing");
  if (!account->IsObject()) return bad("account", std::string("expected an object, got ") + type_name(*account));
  const auto account_id = account->FindMember("id");
  if (account_id == account->MemberEnd()) return bad("account.id", "missing");
  if (!account_id->value.IsString())
    return bad("account.id", std::string("expected a string, got ") + type_name(account_id->value));

  Mention m;
  m.platform = "mastodon";
  m.source = origin.source;
  m.native_id = json_string(*id);
  m.uid = make_uid(m.platform, m.native_id);
  m.seen_at = now;

  std::string body;
  if (const Value* content = field("content"); content && !content->IsNull()) {
    if (!content->IsString()) return bad("content", std::string("expected a string, got ") + type_name(*content));
    body = html_to_text(std::string_view(content->GetString(), content->GetStringLength()));
  } else if (const Value* text = field("text"); text && text->IsString()) {
    body = json_string(*text);  // the plain source text some responses carry instead of content
  }
  std::string spoiler;
  if (const Value* sp = field("spoiler_text"); sp && sp->IsString()) spoiler = json_string(*sp);
  m.text = spoiler.empty() ? body : "CW: " + spoiler + " \xE2\x80\x94 " + body;

  auto string_of = [&](const Value* v) { return v && v->IsString() ? json_string(*v) : std::string(); };
  m.url = string_of(field("url"));
  if (m.url.empty()) m.url = string_of(field("uri"));
  m.language = string_of(field("language"));
  m.parent_id = string_of(field("in_reply_to_id"));
  m.conversation_id = m.parent_id.empty() ? m.native_id : m.parent_id;

  m.author.id = json_string(account_id->value);
  auto account_string = [&](const char* name) {
    const auto it = account->FindMember(name);
    return it != account->MemberEnd() && it->value.IsString() ? json_string(it->value) : std::string();
  };
  std::string acct = account_string("acct");
  if (acct.empty()) acct = account_string("username");
  if (!acct.empty() && acct.find('@') == std::string::npos) acct += "@" + origin.host;
  m.author.handle = std::move(acct);
  m.author.display_name = account_string("display_name");
  if (const auto f = account->FindMember("followers_count"); f != account->MemberEnd() && f->value.IsInt64())
    m.author.followers = std::max<std::int64_t>(0, f->value.GetInt64());
  m.author.verified = false;  // Mastodon has no verified accounts (only verified profile links)

  const Value* created = field("created_at");
  if (!created || !created->IsString() ||
      !parse_iso8601(std::string_view(created->GetString(), created->GetStringLength()), m.posted_at)) {
    m.posted_at = 0;
    warn(origin.label + ": " + path + ".created_at: expected an ISO 8601 time" +
         (created && created->IsString() ? ", got " + quoted(json_string(*created)) : std::string()) +
         " (kept without a posted_at)");
  }
  m.raw = to_text(st);
  return StatusMention{std::move(m), false};
}

}  // namespace carewatch::mastodon
