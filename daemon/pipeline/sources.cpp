#include "daemon/pipeline/sources.h"

#include "connectors/registry.h"

namespace carewatch {

std::optional<std::vector<ScheduledSource>> build_sources(const Config& cfg, std::shared_ptr<HttpClient> http,
                                                          std::string& error) {
  std::vector<ScheduledSource> sources;
  for (size_t i = 0; i < cfg.sources.size(); ++i) {
    const SourceConfig& sc = cfg.sources[i];
    const ConnectorType* type = find_connector_type(sc.type);
    std::string why;
    std::unique_ptr<Connector> connector;
    if (type)
      connector = type->create(SourceSpec{sc.name, sc.type, sc.options_json, cfg.base_dir}, http, why);
    else
      why = "type: expected a connector type, got \"" + sc.type + "\"";  // the loader refuses it first
    if (!connector) {
      error = "sources[" + std::to_string(i) + "]: " + why;
      return std::nullopt;
    }
    sources.push_back({sc, std::move(connector)});
  }
  return sources;
}

}  // namespace carewatch
