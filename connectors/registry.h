// The explicit list of connector types (a list, not static-initialization tricks, which
// silently vanish from static libraries).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"

namespace carewatch {

// What a configured source hands its connector.
struct SourceSpec {
  std::string name;          // sources[i].name
  std::string type;          // sources[i].type
  std::string options_json;  // sources[i].options, already validated against the type's schema
  std::string base_dir;      // directory of the config file, for relative paths
};

struct ConnectorType {
  std::string type;                 // "replay", "mastodon", ...
  std::string description;          // one line for --help / README
  const char* options_schema;       // JSON schema of sources[i].options (from <platform>/schema.json)
  // Builds a connector. On a configuration problem returns nullptr and sets `error`
  // (a message naming the option, e.g. "options.path: cannot open \"x.jsonl\"").
  std::function<std::unique_ptr<Connector>(const SourceSpec&, std::shared_ptr<HttpClient>,
                                           std::string& error)>
      create;
};

const std::vector<ConnectorType>& connector_types();
const ConnectorType* find_connector_type(const std::string& type);

}  // namespace carewatch
