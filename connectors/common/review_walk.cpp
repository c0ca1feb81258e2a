#include "connectors/common/review_walk.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "connectors/common/cursor_object.h"
#include "connectors/common/json_text.h"

namespace carewatch::review_walk {

namespace {

using rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_mark(Writer& w, const Mark& m) {
  w.StartObject();
  w.Key("at");
  w.Int64(m.at);
  w.Key("ids");
  w.StartArray();
  for (const auto& id : m.ids) w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
  w.EndArray();
  w.EndObject();
}

bool read_mark(const Value& v, const std::string& at, Mark& m, std::string& error) {
  if (!v.IsObject()) {
    error = at + ": expected an object";
    return false;
  }
  const auto t = v.FindMember("at");
  if (t == v.MemberEnd() || !t->value.IsInt64()) {
    error = at + ".at: expected an integer";
    return false;
  }
  m.at = t->value.GetInt64();
  const auto ids = v.FindMember("ids");
  if (ids == v.MemberEnd() || !ids->value.IsArray()) {
    error = at + ".ids: expected an array";
    return false;
  }
  for (const auto& id : ids->value.GetArray()) {
    if (!id.IsString()) {
      error = at + ".ids: expected strings";
      return false;
    }
    m.ids.insert(text::json_string(id));
  }
  return true;
}

// True when the review (at, id) is at or before `m`: already covered by it.
bool covered(const Mark& m, const Item& item) {
  return item.at < m.at || (item.at == m.at && m.ids.count(item.id) > 0);
}

}  // namespace

std::string write_states(const States& states) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  for (const auto& [key, s] : states) {
    w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    w.StartObject();
    w.Key("seen");
    write_mark(w, s.seen);
    if (s.walk) {
      w.Key("walk");
      w.StartObject();
      w.Key("next");
      w.String(s.walk->next.c_str(), static_cast<rapidjson::SizeType>(s.walk->next.size()));
      w.Key("top");
      write_mark(w, s.walk->top);
      if (s.walk->floor) {
        w.Key("floor");
        write_mark(w, *s.walk->floor);
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool parse_states(const std::string& text, States& states, std::string& error) {
  states.clear();
  if (text.empty()) return true;
  rapidjson::Document d;
  if (!parse_cursor_object(text, "streams", d, error)) return false;
  for (const auto& m : d.GetObject()) {
    const std::string key = text::json_string(m.name);
    const std::string at = "cursor." + key;
    if (!m.value.IsObject()) {
      error = at + ": expected an object";
      return false;
    }
    StreamState s;
    const auto seen = m.value.FindMember("seen");
    if (seen == m.value.MemberEnd()) {
      error = at + ".seen: missing";
      return false;
    }
    if (!read_mark(seen->value, at + ".seen", s.seen, error)) return false;
    const auto walk = m.value.FindMember("walk");
    if (walk != m.value.MemberEnd()) {
      const Value& w = walk->value;
      if (!w.IsObject() || !w.HasMember("next") || !w["next"].IsString() || !w.HasMember("top")) {
        error = at + ".walk: expected an object with \"next\" and \"top\"";
        return false;
      }
      Walk walk_state;
      walk_state.next = text::json_string(w["next"]);
      if (!read_mark(w["top"], at + ".walk.top", walk_state.top, error)) return false;
      if (w.HasMember("floor")) {
        Mark floor;
        if (!read_mark(w["floor"], at + ".walk.floor", floor, error)) return false;
        walk_state.floor = std::move(floor);
      }
      s.walk = std::move(walk_state);
    }
    states[key] = std::move(s);
  }
  return true;
}

StreamWalk::StreamWalk(std::optional<StreamState> state) : first_poll_(!state) {
  if (state) state_ = std::move(*state);
  if (!state_.walk) state_.walk = Walk{"", state_.seen, std::nullopt};
}

std::string StreamWalk::start() const { return state_.walk ? state_.walk->next : std::string(); }

std::vector<size_t> StreamWalk::take(const std::vector<Item>& items, bool last_page, const std::string& next) {
  std::vector<size_t> out;
  if (done_) return out;
  Walk& walk = *state_.walk;
  // The floor of the pages before this one: reviews on one page are all distinct, in whatever
  // order the platform sorted them.
  const std::optional<Mark> floor = walk.floor;
  bool caught_up = false;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    if (!first_poll_ && covered(state_.seen, item)) {
      caught_up = true;  // the list reached what was returned before: the rest is older
      continue;
    }
    // Returned earlier in this walk (it slid down as newer reviews arrived on top), or newer
    // than the walk's floor: left to the walk that starts next at the first page.
    if (floor && !(item.at < floor->at || (item.at == floor->at && !floor->ids.count(item.id)))) continue;
    out.push_back(i);
    if (item.at > walk.top.at) walk.top = Mark{item.at, {item.id}};
    else if (item.at == walk.top.at) walk.top.ids.insert(item.id);
    if (!walk.floor || item.at < walk.floor->at) walk.floor = Mark{item.at, {item.id}};
    else if (item.at == walk.floor->at) walk.floor->ids.insert(item.id);
  }
  if (first_poll_ || caught_up || last_page || next.empty()) {
    state_.seen = walk.top;
    state_.walk.reset();
    done_ = true;
  } else {
    walk.next = next;
  }
  return out;
}

std::string StreamWalk::restart() {
  if (state_.walk) state_.walk->next.clear();
  return {};
}

std::optional<StreamState> StreamWalk::state() const {
  if (first_poll_ && !done_) return std::nullopt;
  StreamState s = state_;
  // A walk that has returned nothing and would start at the first page is no walk at all.
  if (s.walk && !s.walk->floor && s.walk->next.empty()) s.walk.reset();
  return s;
}

}  // namespace carewatch::review_walk
