#include "connectors/rss/feed_parser.h"

// Debian's libexpat is built with DTD support (and so the "billion laughs" limits); the header
// declares their setters only when XML_DTD is defined.
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace carewatch::rss {

namespace {

constexpr std::string_view kAtom = "http://www.w3.org/2005/Atom";
constexpr std::string_view kRss1 = "http://purl.org/rss/1.0/";
constexpr std::string_view kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr std::string_view kContent = "http://purl.org/rss/1.0/modules/content/";
constexpr std::string_view kDc = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kMedia = "http://search.yahoo.com/mrss/";
constexpr std::string_view kXml = "http://www.w3.org/XML/1998/namespace";
constexpr char kSep = ' ';                  // between a namespace URI and a local name
constexpr size_t kMaxField = 256 * 1024;    // bytes kept of one text field
constexpr size_t kMaxDepth = 256;           // element nesting refused beyond this
constexpr size_t kChunk = 64 * 1024;        // bytes handed to expat at a time

struct Name {
  std::string_view ns;     // "" when the element has no namespace
  std::string_view local;
};

Name split(const XML_Char* raw) {
  std::string_view s(raw);
  const size_t sep = s.find(kSep);
  if (sep == std::string_view::npos) return {{}, s};
  return {s.substr(0, sep), s.substr(sep + 1)};
}

std::string attr(const XML_Char** atts, std::string_view ns, std::string_view local) {
  for (size_t i = 0; atts[i]; i += 2) {
    const Name n = split(atts[i]);
    if (n.ns == ns && n.local == local) return atts[i + 1];
  }
  return {};
}

// windows-1252, which old feeds declare and expat does not know (it knows UTF-8, UTF-16,
// ISO-8859-1 and US-ASCII): Latin-1 but for 0x80-0x9F.
int XMLCALL unknown_encoding(void*, const XML_Char* name, XML_Encoding* info) {
  std::string n(name);
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n != "windows-1252" && n != "cp1252" && n != "x-cp1252") return XML_STATUS_ERROR;
  static const int k80[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                              0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                              0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                              0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  for (int i = 0; i < 256; ++i) info->map[i] = i >= 0x80 && i < 0xA0 ? k80[i - 0x80] : i;
  info->data = nullptr;
  info->convert = nullptr;
  info->release = nullptr;
  return XML_STATUS_OK;
}

// Where the text being collected goes.
enum class Target {
  none, title, link, id, description, summary, atom_content, encoded, media, author, date_pub, date_updated,
  field, feed_title, feed_language
};

class Parser {
 public:
  Parser(size_t max_items, Feed& out) : max_items_(max_items), out_(out) {
    p_ = XML_ParserCreateNS(nullptr, kSep);
    XML_SetUserData(p_, this);
    XML_SetElementHandler(p_, &Parser::on_start, &Parser::on_end);
    XML_SetCharacterDataHandler(p_, &Parser::on_text);
    XML_SetEntityDeclHandler(p_, &Parser::on_entity_decl);
    XML_SetParamEntityParsing(p_, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetUnknownEncodingHandler(p_, &unknown_encoding, nullptr);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(p_, 10.0f);
#endif
  }
  ~Parser() { XML_ParserFree(p_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  bool run(std::string_view body, std::string& error) {
    if (!p_) {
      error = "out of memory creating the XML parser";
      return false;
    }
    size_t at = 0;
    do {
      const size_t n = std::min(kChunk, body.size() - at);
      const bool last = at + n == body.size();
      if (XML_Parse(p_, body.data() + at, static_cast<int>(n), last ? XML_TRUE : XML_FALSE) != XML_STATUS_OK) {
        if (stopped_ok_) return true;  // max_items reached
        if (!refusal_.empty()) {
          error = refusal_;
          return false;
        }
        error = "line " + std::to_string(XML_GetCurrentLineNumber(p_)) + ", column " +
                std::to_string(XML_GetCurrentColumnNumber(p_)) + ": " + XML_ErrorString(XML_GetErrorCode(p_));
        return false;
      }
      at += n;
    } while (at < body.size());
    if (out_.kind == FeedKind::unknown) {
      error = out_.root.empty() ? std::string("no root element") : "not an RSS or Atom feed (root element <" + out_.root + ">)";
      return false;
    }
    return true;
  }

 private:
  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** atts) {
    static_cast<Parser*>(self)->start(split(name), atts);
  }
  static void XMLCALL on_end(void* self, const XML_Char* name) { static_cast<Parser*>(self)->end(split(name)); }
  static void XMLCALL on_text(void* self, const XML_Char* s, int len) {
    static_cast<Parser*>(self)->text(std::string_view(s, static_cast<size_t>(len)));
  }
  static void XMLCALL on_entity_decl(void* self, const XML_Char* name, int, const XML_Char*, int, const XML_Char*,
                                     const XML_Char*, const XML_Char*, const XML_Char*) {
    static_cast<Parser*>(self)->refuse(std::string("the document declares an entity (<!ENTITY ") + name +
                                       ">): refused, a feed needs none");
  }

  void refuse(std::string why) {
    if (refusal_.empty()) refusal_ = std::move(why);
    XML_StopParser(p_, XML_FALSE);
  }

  bool plain_ns(std::string_view ns) const { return ns.empty() || ns == kRss1; }

  void start(const Name& n, const XML_Char** atts) {
    ++depth_;
    if (depth_ > kMaxDepth) return refuse("elements nested deeper than " + std::to_string(kMaxDepth));
    parents_.emplace_back(n.local);
    if (depth_ == 1) return start_root(n, atts);
    if (target_ != Target::none) return;  // inside a field: nested markup (Atom xhtml) is its text
    if (item_depth_ == 0) {
      if ((n.local == "item" && plain_ns(n.ns)) || (n.local == "entry" && n.ns == kAtom)) return start_item(atts);
      const std::string_view parent = parents_.size() >= 2 ? std::string_view(parents_[parents_.size() - 2]) : "";
      if (parent != "channel" && parent != "feed") return;
      if (n.local == "title" && out_.title.empty() && (plain_ns(n.ns) || n.ns == kAtom)) collect(Target::feed_title);
      else if (n.local == "language" && out_.language.empty() && (plain_ns(n.ns) || n.ns == kDc))
        collect(Target::feed_language);
      return;
    }
    if (depth_ == item_depth_ + 2 && in_author_) {  // Atom <author><name>
      if (n.local == "name" && item_.author.empty()) collect(Target::author);
      return;
    }
    if (depth_ == item_depth_ + 2 && n.ns == kMedia && n.local == "description" && parents_.size() >= 2 &&
        parents_[parents_.size() - 2] == "group" && media_.empty()) {  // <media:group><media:description>
      media_html_ = attr(atts, "", "type") == "html";
      return collect(Target::media);
    }
    if (depth_ != item_depth_ + 1) return;
    if (n.ns == kMedia && n.local == "group") return;
    const std::string type = attr(atts, "", "type");
    if (n.ns == kAtom) {
      if (n.local == "title") {
        item_.title_html = type == "html";
        collect(Target::title);
      } else if (n.local == "id") {
        collect(Target::id);
      } else if (n.local == "link") {
        const std::string rel = attr(atts, "", "rel");
        const std::string href = attr(atts, "", "href");
        if ((rel.empty() || rel == "alternate") && !href.empty() && !alternate_) {
          item_.link = href;
          alternate_ = rel == "alternate";
        }
      } else if (n.local == "summary") {
        summary_html_ = type == "html";
        collect(Target::summary);
      } else if (n.local == "content") {
        content_html_ = type == "html" || (type != "text" && type != "xhtml" && !type.empty() &&
                                           type.find("html") != std::string::npos);
        collect(Target::atom_content);
      } else if (n.local == "author") {
        in_author_ = true;
      } else if (n.local == "published") {
        collect(Target::date_pub);
      } else if (n.local == "updated") {
        collect(Target::date_updated);
      } else {
        field(n, atts);
      }
    } else if (plain_ns(n.ns)) {
      if (n.local == "title") collect(Target::title);
      else if (n.local == "link") collect(Target::link);
      else if (n.local == "guid") collect(Target::id);
      else if (n.local == "description") collect(Target::description);
      else if (n.local == "author") collect(Target::author);
      else if (n.local == "pubDate") collect(Target::date_pub);
      else field(n, atts);
    } else if (n.ns == kContent && n.local == "encoded") {
      collect(Target::encoded);
    } else if (n.ns == kDc && n.local == "creator") {
      if (item_.author.empty()) collect(Target::author);
    } else if (n.ns == kDc && n.local == "date") {
      collect(Target::date_pub);
    } else if (n.ns == kMedia && n.local == "description") {
      media_html_ = type == "html";
      collect(Target::media);
    } else {
      field(n, atts);
    }
  }

  void start_root(const Name& n, const XML_Char** atts) {
    out_.root = std::string(n.local);
    if (n.local == "rss" && n.ns.empty()) out_.kind = FeedKind::rss;
    else if (n.local == "RDF" && n.ns == kRdf) out_.kind = FeedKind::rss;
    else if (n.local == "feed" && n.ns == kAtom) out_.kind = FeedKind::atom;
    else return refuse("not an RSS or Atom feed (root element <" + out_.root + ">)");
    root_lang_ = attr(atts, kXml, "lang");
  }

  void start_item(const XML_Char** atts) {
    ++out_.items_seen;
    if (out_.items.size() >= max_items_) {
      out_.truncated = true;
      stopped_ok_ = true;
      XML_StopParser(p_, XML_FALSE);
      return;
    }
    item_depth_ = depth_;
    item_ = FeedItem{};
    item_.line = static_cast<int>(XML_GetCurrentLineNumber(p_));
    item_.lang = attr(atts, kXml, "lang");
    item_.id = attr(atts, kRdf, "about");
    description_.clear();
    summary_.clear();
    atom_content_.clear();
    encoded_.clear();
    media_.clear();
    updated_.clear();
    alternate_ = in_author_ = summary_html_ = media_html_ = false;
    content_html_ = true;
  }

  void field(const Name& n, const XML_Char** atts) {
    field_name_ = std::string(n.local);
    if (item_.fields.count(field_name_)) return;
    const std::string value = attr(atts, "", "value");
    if (!value.empty()) {
      item_.fields[field_name_] = value;
      return;
    }
    collect(Target::field);
  }

  void collect(Target t) {
    target_ = t;
    target_depth_ = depth_;
    buffer_.clear();
  }

  void text(std::string_view s) {
    if (target_ == Target::none || buffer_.size() >= kMaxField) return;
    buffer_.append(s.substr(0, kMaxField - buffer_.size()));
  }

  void end(const Name& n) {
    if (target_ != Target::none && depth_ == target_depth_) finish_field();
    if (item_depth_ != 0 && depth_ == item_depth_ + 1 && n.ns == kAtom && n.local == "author") in_author_ = false;
    if (item_depth_ != 0 && depth_ == item_depth_) finish_item();
    if (!parents_.empty()) parents_.pop_back();
    --depth_;
    if (depth_ == 0 && out_.language.empty()) out_.language = root_lang_;
  }

  void finish_field() {
    std::string v = std::move(buffer_);
    buffer_.clear();
    const Target t = target_;
    target_ = Target::none;
    switch (t) {
      case Target::title: item_.title = std::move(v); break;
      case Target::link: item_.link = std::move(v); break;
      case Target::id: item_.id = std::move(v); break;
      case Target::description: description_ = std::move(v); break;
      case Target::summary: summary_ = std::move(v); break;
      case Target::atom_content: atom_content_ = std::move(v); break;
      case Target::encoded: encoded_ = std::move(v); break;
      case Target::media: media_ = std::move(v); break;
      case Target::author: if (item_.author.empty()) item_.author = std::move(v); break;
      case Target::date_pub: if (item_.date.empty()) item_.date = std::move(v); break;
      case Target::date_updated: updated_ = std::move(v); break;
      case Target::field: item_.fields.emplace(field_name_, std::move(v)); break;
      case Target::feed_title: out_.title = std::move(v); break;
      case Target::feed_language: out_.language = std::move(v); break;
      case Target::none: break;
    }
  }

  static bool blank(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
  }

  void finish_item() {
    if (!blank(encoded_)) {
      item_.content = std::move(encoded_);
    } else if (!blank(atom_content_)) {
      item_.content = std::move(atom_content_);
      item_.content_html = content_html_;
    } else if (!blank(description_)) {
      item_.content = std::move(description_);
    } else if (!blank(summary_)) {
      item_.content = std::move(summary_);
      item_.content_html = summary_html_;
    } else if (!blank(media_)) {
      item_.content = std::move(media_);
      item_.content_html = media_html_;
    }
    if (item_.date.empty()) item_.date = std::move(updated_);
    out_.items.push_back(std::move(item_));
    item_ = FeedItem{};
    item_depth_ = 0;
  }

  XML_Parser p_ = nullptr;
  size_t max_items_;
  Feed& out_;
  size_t depth_ = 0;
  std::vector<std::string> parents_;  // local names of the open elements
  std::string root_lang_;
  std::string refusal_;
  bool stopped_ok_ = false;

  size_t item_depth_ = 0;  // the depth of the open item, 0 outside items
  FeedItem item_;
  std::string description_, summary_, atom_content_, encoded_, media_, updated_;
  bool alternate_ = false, in_author_ = false, summary_html_ = false, media_html_ = false, content_html_ = true;

  Target target_ = Target::none;
  size_t target_depth_ = 0;
  std::string buffer_;
  std::string field_name_;
};

}  // namespace

bool parse_feed(std::string_view body, size_t max_items, Feed& out, std::string& error) {
  out = Feed{};
  Parser parser(max_items, out);
  return parser.run(body, error);
}

}  // namespace carewatch::rss
