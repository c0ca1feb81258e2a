#!/usr/bin/env python3
"""carewatch exec plugin: new posts of a Discourse community forum.

Reads the request carewatch writes on stdin ({"protocol", "source", "cursor", "settings"}) and
prints one JSON object a line (connectors/exec/PROTOCOL.md): a mention per new post, then
{"cursor": {"last_id": <newest post id>}}. Standard library only.

settings:
  base_url   the forum, e.g. "https://community.example.com" (required)
  max_pages  pages of /posts.json to read back in one poll (default 5)
env (optional, for a private forum): DISCOURSE_API_KEY, DISCOURSE_API_USERNAME

/posts.json lists the newest posts first, up to 50 a page; ?before=<id> reads the page older than
that id. The first poll takes the newest page only (no backfill). Later polls read back until
they reach the last post seen; if max_pages is not enough the gap is reported as a warning and
the newest pages are taken (the cursor moves on: no post is read twice).

Exit codes: 0 done; 75 try again later (429, 5xx, the forum unreachable, an unreadable answer),
after printing {"retry_after": s} when the forum said how long; 78 the settings or the key are
wrong (a missing base_url, 401/403/404).
"""
import html.parser
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

EX_TEMPFAIL = 75
EX_CONFIG = 78


def emit(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def log(level, text):
    emit({"log": text, "level": level})


class TextOf(html.parser.HTMLParser):
    """The readable text of a post's "cooked" HTML: paragraphs and line breaks kept, tags gone."""

    BLOCKS = {"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS and self.parts:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)

    def text(self):
        lines = [" ".join(line.split()) for line in "".join(self.parts).split("\n")]
        return "\n".join(line for line in lines if line)


def plain_text(cooked):
    parser = TextOf()
    parser.feed(cooked or "")
    parser.close()
    return parser.text()


def fetch(base_url, before):
    query = "?" + urllib.parse.urlencode({"before": before}) if before else ""
    request = urllib.request.Request(base_url.rstrip("/") + "/posts.json" + query)
    request.add_header("Accept", "application/json")
    request.add_header("User-Agent", "carewatch-discourse-plugin/1")
    if os.environ.get("DISCOURSE_API_KEY"):
        request.add_header("Api-Key", os.environ["DISCOURSE_API_KEY"])
        request.add_header("Api-Username", os.environ.get("DISCOURSE_API_USERNAME", "system"))
    with urllib.request.urlopen(request, timeout=20) as answer:
        return json.load(answer)


def to_mention(base_url, post):
    topic = post["topic_id"]
    url = "%s/t/%s/%d/%d" % (base_url.rstrip("/"), post.get("topic_slug") or "-", topic, post["post_number"])
    mention = {
        "id": str(post["id"]),
        "text": plain_text(post.get("cooked")),
        "url": url,
        "author": {"handle": post.get("username") or "", "name": post.get("name") or ""},
        "posted_at": post["created_at"],
        "conversation_id": str(topic),
    }
    title = post.get("topic_title")
    if post["post_number"] == 1 and title:
        mention["text"] = title + "\n" + mention["text"]
    return mention


def main():
    request = json.load(sys.stdin)
    settings = request.get("settings") or {}
    base_url = settings.get("base_url")
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        log("error", 'settings.base_url: expected the forum\'s URL like "https://community.example.com"')
        return EX_CONFIG
    max_pages = settings.get("max_pages", 5)
    cursor = request.get("cursor") or {}
    last_id = cursor.get("last_id")

    posts, before, pages = [], None, 0
    try:
        while True:
            page = fetch(base_url, before).get("latest_posts")
            pages += 1
            if not isinstance(page, list):
                log("warning", "latest_posts: expected an array; trying again later")
                return EX_TEMPFAIL
            posts.extend(p for p in page if isinstance(p, dict) and isinstance(p.get("id"), int))
            if last_id is None or not page:
                break
            oldest = min(p["id"] for p in page if isinstance(p.get("id"), int))
            if oldest <= last_id + 1:
                break
            if pages >= max_pages:
                log("warning", "more than %d pages of new posts: posts between %d and %d were not read"
                    % (max_pages, last_id, oldest))
                break
            before = oldest
    except urllib.error.HTTPError as e:
        if e.code in (401, 403, 404):
            log("error", "GET %s/posts.json: %d %s (check settings.base_url and DISCOURSE_API_KEY)"
                % (base_url, e.code, e.reason))
            return EX_CONFIG
        wait = e.headers.get("Retry-After") if e.headers else None
        if wait and wait.isdigit():
            emit({"retry_after": int(wait)})
        log("warning", "GET %s/posts.json: %d %s" % (base_url, e.code, e.reason))
        return EX_TEMPFAIL
    except (urllib.error.URLError, OSError, ValueError) as e:
        log("warning", "GET %s/posts.json: %s" % (base_url, e))
        return EX_TEMPFAIL

    newest = last_id
    seen = set()
    for post in sorted(posts, key=lambda p: p["id"]):
        if (last_id is not None and post["id"] <= last_id) or post["id"] in seen:
            continue
        seen.add(post["id"])
        newest = post["id"] if newest is None else max(newest, post["id"])
        if post.get("post_type", 1) != 1 or post.get("hidden") or post.get("deleted_at"):
            continue  # moderator actions, whispers, hidden and deleted posts
        try:
            emit(to_mention(base_url, post))
        except (KeyError, TypeError) as e:
            log("warning", "post %s: %s missing or of the wrong type; skipped" % (post.get("id"), e))
    if newest is not None:
        emit({"cursor": {"last_id": newest}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
