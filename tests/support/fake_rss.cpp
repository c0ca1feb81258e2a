#include "tests/support/fake_rss.h"

#include <deque>
#include <map>
#include <mutex>

namespace carewatch::testing {

namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

struct Served {
  std::string body, content_type, etag, last_modified;
  std::deque<FakeResponse> failures;
};

}  // namespace

struct FakeFeeds::State {
  std::mutex mutex;
  std::map<std::string, Served> feeds;
};

FakeFeeds::FakeFeeds() : state_(std::make_unique<State>()), server_(std::make_unique<FakeHttpServer>()) {}
FakeFeeds::~FakeFeeds() { server_.reset(); }

std::string FakeFeeds::url(const std::string& path) const { return server_->base_url() + path; }
FakeHttpServer& FakeFeeds::server() { return *server_; }

std::vector<FakeRequest> FakeFeeds::requests_to(const std::string& path) const {
  std::vector<FakeRequest> out;
  for (auto& r : server_->requests())
    if (r.path == path) out.push_back(r);
  return out;
}

void FakeFeeds::serve(const std::string& path, std::string body, std::string content_type, std::string etag,
                      std::string last_modified) {
  bool fresh = false;
  {
    std::lock_guard lock(state_->mutex);
    fresh = !state_->feeds.count(path);
    Served& s = state_->feeds[path];
    s.body = std::move(body);
    s.content_type = std::move(content_type);
    s.etag = std::move(etag);
    s.last_modified = std::move(last_modified);
  }
  if (!fresh) return;
  State* st = state_.get();
  server_->on("GET", path, [st, path](const FakeRequest& req) -> FakeResponse {
    std::lock_guard lock(st->mutex);
    Served& s = st->feeds[path];
    if (!s.failures.empty()) {
      FakeResponse r = s.failures.front();
      s.failures.pop_front();
      return r;
    }
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", s.content_type}};
    if (!s.etag.empty()) headers.emplace_back("ETag", s.etag);
    if (!s.last_modified.empty()) headers.emplace_back("Last-Modified", s.last_modified);
    auto header = [&req](const char* name) {
      const auto it = req.headers.find(name);
      return it == req.headers.end() ? std::string() : it->second;
    };
    const bool not_modified = !s.etag.empty() ? header("if-none-match") == s.etag
                                              : !s.last_modified.empty() && header("if-modified-since") == s.last_modified;
    if (not_modified) return FakeResponse{304, headers, ""};
    return FakeResponse{200, headers, s.body};
  });
}

void FakeFeeds::fail_next(const std::string& path, size_t n, FakeResponse answer) {
  std::lock_guard lock(state_->mutex);
  for (size_t i = 0; i < n; ++i) state_->feeds[path].failures.push_back(answer);
}

std::string FakeFeeds::rss_document(const std::string& title, const std::vector<FakeFeedItem>& items,
                                    const std::string& language) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
                  "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n"
                  "<channel>\n<title>" + escape(title) + "</title>\n<link>https://reviews.example/acme-air</link>\n"
                  "<description>Reviews</description>\n<language>" + language + "</language>\n";
  for (const auto& i : items) {
    x += "<item>\n";
    if (!i.title.empty()) x += "  <title>" + escape(i.title) + "</title>\n";
    if (!i.link.empty()) x += "  <link>" + escape(i.link) + "</link>\n";
    if (!i.id.empty()) x += "  <guid isPermaLink=\"false\">" + escape(i.id) + "</guid>\n";
    if (!i.html.empty()) x += "  <description><![CDATA[" + i.html + "]]></description>\n";
    if (!i.author.empty()) x += "  <dc:creator>" + escape(i.author) + "</dc:creator>\n";
    if (!i.date.empty()) x += "  <pubDate>" + escape(i.date) + "</pubDate>\n";
    x += i.extra;
    x += "</item>\n";
  }
  return x + "</channel>\n</rss>\n";
}

std::string FakeFeeds::atom_document(const std::string& title, const std::vector<FakeFeedItem>& items,
                                     const std::string& lang) {
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"" +
                  lang + "\">\n<title>" + escape(title) + "</title>\n<id>urn:example:feed</id>\n"
                  "<updated>2026-12-01T10:00:00Z</updated>\n";
  for (const auto& i : items) {
    x += "<entry>\n";
    if (!i.id.empty()) x += "  <id>" + escape(i.id) + "</id>\n";
    if (!i.title.empty()) x += "  <title type=\"text\">" + escape(i.title) + "</title>\n";
    if (!i.link.empty()) x += "  <link rel=\"alternate\" type=\"text/html\" href=\"" + escape(i.link) + "\"/>\n";
    if (!i.date.empty()) x += "  <published>" + escape(i.date) + "</published>\n  <updated>" + escape(i.date) + "</updated>\n";
    if (!i.author.empty()) x += "  <author><name>" + escape(i.author) + "</name></author>\n";
    if (!i.html.empty()) x += "  <content type=\"html\">" + escape(i.html) + "</content>\n";
    x += i.extra;
    x += "</entry>\n";
  }
  return x + "</feed>\n";
}

}  // namespace carewatch::testing
