// A fake Discourse forum on a FakeHttpServer (loopback), for the exec connector's example plugin
// (connectors/exec/examples/discourse_forum.py): GET /posts.json answers the newest posts first,
// `page_size` a page (Discourse: 50), and ?before=<id> the page older than that id, each post in the
// shape a Discourse 3.x forum gives ({"latest_posts": [{"id", "username", "name", "cooked",
// "created_at", "post_number", "post_type", "topic_id", "topic_slug", ...}]}).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

class FakeForum {
 public:
  explicit FakeForum(FakeHttpServer& server, size_t page_size = 3);

  // A post of topic 55 ("checked-bag-never-arrived") by "dan<id>", its post number id - 99.
  // post_type 1 is a regular post, 3 a moderator action.
  void add(int id, const std::string& cooked, int post_type = 1);
  // The next request is answered with `answer` instead.
  void fail_next(FakeResponse answer);

 private:
  struct Post {
    int id;
    std::string cooked, created_at;
    int post_type;
  };
  static std::string post_json(const Post& p);

  size_t page_size_;
  std::mutex mu_;
  std::vector<Post> posts_;
  std::vector<FakeResponse> fail_;
};

}  // namespace carewatch::testing
