// The console's static files, built into the binary (generated at build time by
// daemon/api/console/embed_console.cmake from daemon/api/console/web/ and the pinned npm packages).
#pragma once

#include <span>
#include <string_view>

namespace carewatch {

struct ConsoleAsset {
  const char* path;          // "/console/index.html", "/console/vendor/uplot.js"
  const char* content_type;  // "text/javascript; charset=utf-8"
  std::string_view bytes;
  const char* etag;          // quoted: the first 128 bits of the content's SHA-256, hex
};

// Every asset, sorted by path within the web files, then the vendor files.
std::span<const ConsoleAsset> console_assets();

// The asset served at `path` ("/console/" is index.html), nullptr when there is none.
const ConsoleAsset* find_console_asset(std::string_view path);

}  // namespace carewatch
