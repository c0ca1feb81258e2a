#include "connectors/common/json_fetch.h"

#include <rapidjson/error/en.h>

#include "connectors/common/json_text.h"

namespace carewatch {

namespace {

std::string member_text(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return {};
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return text::json_string(it->value);
}

std::string clip(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

}  // namespace

std::string error_detail(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) return {};
  std::string out;
  auto add = [&out](const std::string& part) {
    if (part.empty() || out.find(part) != std::string::npos) return;
    out += (out.empty() ? "" : ": ") + part;
  };
  if (const auto e = d.FindMember("error"); e != d.MemberEnd()) {
    if (e->value.IsString()) add(text::json_string(e->value));
    else add(member_text(e->value, "message"));  // Google: {"error": {"code": 403, "message": ...}}
  }
  add(member_text(d, "title"));
  add(member_text(d, "detail"));
  add(member_text(d, "message"));
  add(member_text(d, "error_description"));
  return clip(out);
}

bool looks_like_html(const HttpResponse& response) {
  if (text::lower(response.header("content-type")).find("text/html") != std::string::npos) return true;
  for (char c : response.body) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '<';
  }
  return false;
}

std::optional<JsonFailure> fetch_json(HttpClient& http, const HttpRequest& request, const std::string& label,
                                      JsonAnswer& answer, long long now_ms, const std::string& hint) {
  answer.response = http.send(request);
  const HttpResponse& resp = answer.response;
  const Verdict v = classify_response(request, resp, now_ms);
  answer.rate_limit_remaining = v.rate_limit_remaining;
  const std::string where = label + ": " + request.method + " " + redact_url(request.url);
  if (v.outcome == Outcome::fatal) {
    std::string message = label + ": " + v.message;
    const std::string detail = error_detail(resp.body);
    if (!detail.empty() && message.find(detail) == std::string::npos) message += ": " + detail;
    if ((resp.status == 401 || resp.status == 403) && !hint.empty()) message += " (" + hint + ")";
    return JsonFailure{{PollError::Kind::fatal, std::move(message), std::nullopt}, resp.status, true};
  }
  if (v.outcome == Outcome::retry) {
    std::string message = label + ": " + v.message;
    if (resp.status == 0 && !resp.error.empty() && message.find(resp.error) == std::string::npos)
      message += ": " + resp.error;
    return JsonFailure{{PollError::Kind::retry, std::move(message), v.retry_after}, resp.status,
                       resp.status == 0 || resp.status == 429};
  }
  answer.doc.Parse(resp.body.c_str(), resp.body.size());
  if (answer.doc.HasParseError()) {
    if (looks_like_html(resp))
      return JsonFailure{{PollError::Kind::retry,
                          where + ": status " + std::to_string(resp.status) +
                              " with an HTML page instead of JSON (a proxy or maintenance page?)",
                          std::nullopt},
                         0, false};
    return JsonFailure{{PollError::Kind::retry,
                        where + ": invalid JSON at offset " + std::to_string(answer.doc.GetErrorOffset()) + ": " +
                            rapidjson::GetParseError_En(answer.doc.GetParseError()),
                        std::nullopt},
                       0, false};
  }
  if (v.retry_after) answer.rate_limited_for = v.retry_after;
  return std::nullopt;
}

}  // namespace carewatch
