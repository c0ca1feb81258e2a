#include "daemon/alerts/slack_message.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdio>

#include "daemon/alerts/alert_channel_text.h"

namespace carewatch {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void string(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void text_object(Writer& w, const char* type, const std::string& text) {
  w.StartObject();
  w.Key("type");
  w.String(type);
  w.Key("text");
  string(w, text);
  if (std::string_view(type) == "plain_text") {
    w.Key("emoji");
    w.Bool(true);
  }
  w.EndObject();
}

// The blocks of a message, counted so the message stays within kSlackMaxBlocks.
class Blocks {
 public:
  explicit Blocks(Writer& w) : w_(w) {}
  size_t count() const { return count_; }
  size_t left() const { return kSlackMaxBlocks - count_; }

  void header(const std::string& plain) {
    begin("header");
    w_.Key("text");
    text_object(w_, "plain_text", truncate_utf8(plain, kSlackMaxHeaderText));
    w_.EndObject();
  }
  void section(const std::string& mrkdwn) {
    if (mrkdwn.empty()) return;
    begin("section");
    w_.Key("text");
    text_object(w_, "mrkdwn", truncate_mrkdwn(mrkdwn, kSlackMaxSectionText));
    w_.EndObject();
  }
  void fields(const std::vector<std::string>& mrkdwn) {
    if (mrkdwn.empty()) return;
    begin("section");
    w_.Key("fields");
    w_.StartArray();
    for (size_t i = 0; i < mrkdwn.size() && i < kSlackMaxFields; ++i)
      text_object(w_, "mrkdwn", truncate_mrkdwn(mrkdwn[i], kSlackMaxFieldText));
    w_.EndArray();
    w_.EndObject();
  }
  void context(const std::vector<std::string>& mrkdwn) {
    if (mrkdwn.empty()) return;
    begin("context");
    w_.Key("elements");
    w_.StartArray();
    for (size_t i = 0; i < mrkdwn.size() && i < 10; ++i) text_object(w_, "mrkdwn", truncate_mrkdwn(mrkdwn[i], kSlackMaxSectionText));
    w_.EndArray();
    w_.EndObject();
  }
  void divider() {
    begin("divider");
    w_.EndObject();
  }

 private:
  void begin(const char* type) {
    ++count_;
    w_.StartObject();
    w_.Key("type");
    w_.String(type);
  }
  Writer& w_;
  size_t count_ = 0;
};

std::string link(const std::string& url, const std::string& label) {
  if (url.empty()) return slack_escape(label);
  return "<" + slack_link_target(url) + "|" + slack_escape(label) + ">";
}

std::string score(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::isfinite(v) ? v : 0.0);
  return buf;
}

// Each line of the (escaped) text as a Slack quote.
std::string quoted(const std::string& text) {
  std::string escaped = slack_escape(text);
  std::string out = ">";
  for (char c : escaped) {
    if (c == '\r') continue;
    out += c;
    if (c == '\n') out += '>';
  }
  return out;
}

std::string author_line(const AlertMention& m) {
  std::string line;
  if (!m.author_name.empty()) line += "*" + slack_escape(m.author_name) + "*";
  if (!m.author_handle.empty()) line += (line.empty() ? "" : " ") + slack_escape("@" + m.author_handle);
  if (line.empty()) line = "_unknown author_";
  line += " \xC2\xB7 " + format_count(m.followers) + (m.followers == 1 ? " follower" : " followers");
  if (m.verified) line += " \xC2\xB7 verified";
  if (!m.platform.empty()) line += " \xC2\xB7 on " + slack_escape(m.platform);
  return line;
}

std::string why_line(const AlertMention& m) {
  std::vector<std::string> parts;
  if (m.priority >= 0) parts.push_back("p" + std::to_string(m.priority));
  if (!m.category.empty()) parts.push_back(slack_escape(m.category));
  if (!m.queue.empty()) parts.push_back("queue " + slack_escape(m.queue));
  if (!m.rules.empty()) {
    std::string r = "rules ";
    for (size_t i = 0; i < m.rules.size(); ++i) r += (i ? ", " : "") + std::string("`") + slack_escape(m.rules[i]) + "`";
    parts.push_back(r);
  }
  if (!m.tags.empty()) {
    std::string t = "tags ";
    for (size_t i = 0; i < m.tags.size(); ++i) t += (i ? ", " : "") + slack_escape(m.tags[i]);
    parts.push_back(t);
  }
  if (m.scored) parts.push_back("complaint " + score(m.complaint_score));
  if (m.scored || m.sentiment != 0) parts.push_back("sentiment " + score(m.sentiment));
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? " \xC2\xB7 " : "") + parts[i];
  return out;
}

std::vector<std::string> mention_links(const AlertMention& m, const std::string& console_url) {
  std::vector<std::string> out;
  if (!m.url.empty()) out.push_back(link(m.url, "View on " + (m.platform.empty() ? std::string("the platform") : m.platform)));
  const std::string console = console_link(console_url, m.uid);
  if (!console.empty()) out.push_back(link(console, "Open in carewatch"));
  if (m.sla_remaining_ms)
    out.push_back(std::string(*m.sla_remaining_ms < 0 ? ":red_circle:" : ":stopwatch:") + " SLA " +
                  format_sla_remaining(*m.sla_remaining_ms));
  return out;
}

void write_alert(Blocks& b, const Alert& a, const SlackMessageOptions& o) {
  b.header(std::string(kind_emoji(a.kind)) + " " + (a.title.empty() ? kind_label(a.kind) : a.title));
  if (!a.detail.empty()) b.section(slack_escape(a.detail));
  if (!a.facts.empty()) {
    std::vector<std::string> fields;
    for (const auto& f : a.facts) fields.push_back("*" + slack_escape(f.label) + "*\n" + slack_escape(f.value));
    b.fields(fields);
  }
  // Each mention takes up to 3 blocks; keep one for "and N more".
  size_t shown = 0;
  for (const auto& m : a.mentions) {
    if (b.left() < 4) break;
    if (shown > 0) b.divider();
    std::string text = author_line(m);
    const std::string why = why_line(m);
    if (!why.empty()) text += "\n" + why;
    // The quote last, so a cut ends in the mention's text, never in the links above.
    if (!m.text.empty()) text += "\n" + quoted(m.text);
    b.section(text);
    b.context(mention_links(m, o.console_url));
    ++shown;
  }
  if (shown < a.mentions.size())
    b.context({"\xE2\x80\xA6" "and " + std::to_string(a.mentions.size() - shown) + " more mentions"});
}

// One line of a digest: the alert's title, a snippet, its links.
std::string digest_line(const Alert& a, const SlackMessageOptions& o) {
  std::string line = "\xE2\x80\xA2 *" + slack_escape(truncate_utf8(a.title.empty() ? kind_label(a.kind) : a.title, 150)) + "*";
  if (!a.mentions.empty()) {
    const AlertMention& m = a.mentions.front();
    if (!m.author_handle.empty()) line += " " + slack_escape("@" + m.author_handle);
    if (!m.text.empty()) {
      std::string snippet = truncate_utf8(m.text, 140);
      for (char& c : snippet)
        if (c == '\n' || c == '\r') c = ' ';
      line += " \xE2\x80\x94 \xE2\x80\x9C" + slack_escape(snippet) + "\xE2\x80\x9D";
    }
    const std::string console = console_link(o.console_url, m.uid);
    if (!console.empty()) line += " " + link(console, "open");
    if (!m.url.empty()) line += " \xC2\xB7 " + link(m.url, m.platform.empty() ? "post" : m.platform);
  } else if (!a.detail.empty()) {
    line += " \xE2\x80\x94 " + slack_escape(truncate_utf8(a.detail, 200));
  }
  return line;
}

void write_digest(Blocks& b, const std::vector<Alert>& alerts, const SlackMessageOptions& o) {
  b.header(std::string(kind_emoji(AlertKind::digest)) + " " + digest_title(alerts));
  std::string section;
  size_t written = 0;
  for (const auto& a : alerts) {
    const std::string line = digest_line(a, o);
    if (!section.empty() && section.size() + 1 + line.size() > kSlackMaxSectionText) {
      if (b.left() <= 2) break;
      b.section(section);
      section.clear();
    }
    section += (section.empty() ? "" : "\n") + line;
    ++written;
  }
  if (!section.empty()) b.section(section);
  if (written < alerts.size()) b.context({"\xE2\x80\xA6" "and " + std::to_string(alerts.size() - written) + " more"});
}

}  // namespace

std::string slack_message_json(const std::vector<Alert>& alerts, const SlackMessageOptions& options) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  if (!options.channel.empty()) {
    w.Key("channel");
    string(w, options.channel);
  }
  std::string fallback;
  if (alerts.size() == 1) {
    const Alert& a = alerts.front();
    fallback = std::string(kind_label(a.kind)) + ": " + a.title;
    if (!a.mentions.empty() && !a.mentions.front().text.empty())
      fallback += " \xE2\x80\x94 \"" + truncate_utf8(a.mentions.front().text, 200) + "\"";
  } else {
    fallback = digest_title(alerts);
  }
  w.Key("text");
  string(w, truncate_mrkdwn(slack_escape(fallback), kSlackMaxSectionText));
  w.Key("unfurl_links");
  w.Bool(false);
  w.Key("blocks");
  w.StartArray();
  Blocks b(w);
  if (alerts.size() == 1) write_alert(b, alerts.front(), options);
  else if (!alerts.empty()) write_digest(b, alerts, options);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace carewatch
