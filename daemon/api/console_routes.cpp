#include "daemon/api/console_routes.h"

#include <string>

#include "daemon/api/api_response.h"
#include "daemon/api/console_assets.h"

namespace carewatch {

const ConsoleAsset* find_console_asset(std::string_view path) {
  if (path == "/console/" || path == "/console") path = "/console/index.html";
  for (const auto& asset : console_assets())
    if (path == asset.path) return &asset;
  return nullptr;
}

bool etag_matches(std::string_view header, std::string_view etag) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = trim(header.substr(0, comma));
    if (tag == "*") return true;
    if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);  // If-None-Match compares weakly
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

ApiResponse console_redirect(const RouteContext&) {
  ApiResponse r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "/console/\n";
  r.headers.emplace_back("Location", "/console/");
  return r;
}

ApiResponse console_asset(const RouteContext& ctx) {
  const std::string path = "/console/" + ctx.match.param;
  const ConsoleAsset* asset = find_console_asset(path);
  if (!asset) return error_response(404, "no console file " + path);
  ApiResponse r;
  r.headers.emplace_back("ETag", asset->etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (etag_matches(ctx.request.header("if-none-match"), asset->etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = asset->content_type;
  r.body.assign(asset->bytes);
  return r;
}

}  // namespace carewatch
