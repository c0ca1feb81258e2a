#include "tests/support/fake_discourse.h"

#include <algorithm>
#include <climits>

namespace carewatch::testing {

FakeForum::FakeForum(FakeHttpServer& server, size_t page_size) : page_size_(page_size) {
  server.on("GET", "/posts.json", [this](const FakeRequest& r) {
    std::lock_guard lock(mu_);
    if (!fail_.empty()) {
      FakeResponse f = fail_.front();
      fail_.erase(fail_.begin());
      return f;
    }
    const auto before = r.query.find("before");
    const int limit = before == r.query.end() ? INT_MAX : std::stoi(before->second);
    std::vector<const Post*> older;
    for (const auto& p : posts_)
      if (p.id < limit) older.push_back(&p);
    std::sort(older.begin(), older.end(), [](const Post* a, const Post* b) { return a->id > b->id; });
    std::string body = R"({"latest_posts":[)";
    for (size_t i = 0; i < older.size() && i < page_size_; ++i) body += (i ? "," : "") + post_json(*older[i]);
    return FakeResponse{200, {}, body + "]}"};
  });
}

void FakeForum::add(int id, const std::string& cooked, int post_type) {
  std::lock_guard lock(mu_);
  const int minute = 10 + id % 50;
  posts_.push_back({id, cooked, "2026-12-01T10:" + std::to_string(minute) + ":00.000Z", post_type});
}

void FakeForum::fail_next(FakeResponse answer) {
  std::lock_guard lock(mu_);
  fail_.push_back(std::move(answer));
}

std::string FakeForum::post_json(const Post& p) {
  const std::string id = std::to_string(p.id);
  const std::string user = "dan" + id;
  return R"({"id":)" + id + R"(,"name":"Dan Example","username":")" + user +
         R"(","avatar_template":"/user_avatar/community.example.com/)" + user +
         R"(/{size}/12_2.png","created_at":")" + p.created_at + R"(","cooked":")" + p.cooked +
         R"(","post_number":)" + std::to_string(p.id - 99) + R"(,"post_type":)" + std::to_string(p.post_type) +
         R"(,"updated_at":")" + p.created_at +
         R"(","reply_count":0,"reply_to_post_number":null,"quote_count":0,"incoming_link_count":0,"reads":2,)"
         R"("readers_count":1,"score":0.4,"yours":false,"topic_id":55,"topic_slug":"checked-bag-never-arrived",)"
         R"("topic_title":"Checked bag never arrived","topic_html_title":"Checked bag never arrived","category_id":5,)"
         R"("display_username":"Dan Example","primary_group_name":null,"flair_name":null,"version":1,)"
         R"("can_edit":false,"can_delete":false,"can_recover":false,"can_wiki":false,"user_title":null,)"
         R"("bookmarked":false,"raw":"","actions_summary":[],"moderator":false,"admin":false,"staff":false,)"
         R"("user_id":)" + std::to_string(1000 + p.id % 7) +
         R"(,"hidden":false,"trust_level":1,"deleted_at":null,"user_deleted":false,"edit_reason":null,)"
         R"("can_view_edit_history":true,"wiki":false,"reviewable_id":null})";
}

}  // namespace carewatch::testing
