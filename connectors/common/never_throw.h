// Never-throw guards for a connector's entry points: poll, check_reply, reply and find_reply run
// their work inside one of these, and an exception that escapes it becomes the error the caller
// can act on ("<platform>: unexpected error: <what>", "<platform> reply: ...", "<platform> reply
// search: ..."), never an exception out of the connector.
#pragma once

#include "connectors/connector.h"

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace carewatch {

namespace never_throw_detail {

// "<platform><what_for>: unexpected error[: <e.what()>]" for the exception in flight.
inline std::string unexpected(std::string_view platform, std::string_view what_for, const char* what) {
  std::string m(platform);
  m += what_for;
  m += ": unexpected error";
  if (what) {
    m += ": ";
    m += what;
  }
  return m;
}

struct Unchanged {
  std::string operator()(std::string s) const { return s; }
};

}  // namespace never_throw_detail

// f()'s PollResult, or a retry failure naming the unexpected error; `fix` is applied to that
// message (e.g. to redact a secret out of it).
template <class F, class Fix = never_throw_detail::Unchanged>
PollResult guarded_poll(std::string_view platform, F&& f, Fix&& fix = {}) {
  try {
    return std::forward<F>(f)();
  } catch (const std::exception& e) {
    return PollResult::fail({PollError::Kind::retry, fix(never_throw_detail::unexpected(platform, "", e.what())), {}});
  } catch (...) {
    return PollResult::fail({PollError::Kind::retry, fix(never_throw_detail::unexpected(platform, "", nullptr)), {}});
  }
}

// f()'s answer to check_reply, or a "cannot_reply" problem naming the unexpected error.
template <class F>
std::optional<ReplyProblem> guarded_check(std::string_view platform, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const std::exception& e) {
    return ReplyProblem{"cannot_reply", never_throw_detail::unexpected(platform, " reply", e.what())};
  } catch (...) {
    return ReplyProblem{"cannot_reply", never_throw_detail::unexpected(platform, " reply", nullptr)};
  }
}

// f()'s ReplyOutcome, or a retry outcome naming the unexpected error.
template <class F>
ReplyOutcome guarded_reply(std::string_view platform, F&& f) {
  ReplyOutcome o;
  try {
    return std::forward<F>(f)();
  } catch (const std::exception& e) {
    o.error = never_throw_detail::unexpected(platform, " reply", e.what());
  } catch (...) {
    o.error = never_throw_detail::unexpected(platform, " reply", nullptr);
  }
  o.kind = ReplyOutcome::Kind::retry;
  return o;
}

// f()'s ReplySearch, or one whose error names the unexpected error.
template <class F>
ReplySearch guarded_search(std::string_view platform, F&& f) {
  ReplySearch s;
  try {
    return std::forward<F>(f)();
  } catch (const std::exception& e) {
    s.error = never_throw_detail::unexpected(platform, " reply search", e.what());
  } catch (...) {
    s.error = never_throw_detail::unexpected(platform, " reply search", nullptr);
  }
  return s;
}

}  // namespace carewatch
