#include "daemon/cli/check_config_command.h"

#include <ostream>

#include "daemon/pipeline/sources.h"
#include "rules/default_rules.h"

namespace carewatch {

namespace {

// check-config builds connectors and must not reach any platform: constructing one does not poll,
// and this client answers any request it would make anyway with a transport error.
class RefusingHttpClient : public HttpClient {
 public:
  HttpResponse send(const HttpRequest& request) override {
    HttpResponse r;
    r.error = "check-config makes no requests (" + request.method + " " + request.url + ")";
    return r;
  }
};

}  // namespace

std::optional<CheckedConfig> check_config(const std::string& path, std::shared_ptr<HttpClient> http,
                                          std::ostream& err) {
  std::vector<std::string> errors;
  auto cfg = load_config(path, errors);
  if (!cfg) {
    for (const auto& e : errors) err << path << ": " << e << "\n";
    return std::nullopt;
  }
  if (auto error = resolve_api_listen(*cfg)) {
    err << path << ": " << *error << "\n";
    return std::nullopt;
  }
  std::string error;
  auto rules = load_rules_or_default(cfg->rules_path, error);
  if (!rules) {
    err << path << ": rules: " << error << "\n";
    return std::nullopt;
  }
  auto sources = build_sources(*cfg, std::move(http), error);
  if (!sources) {
    err << path << ": " << error << "\n";
    return std::nullopt;
  }
  return CheckedConfig{std::move(*cfg), std::move(rules), std::move(*sources)};
}

int run_check_config(const std::string& path, std::ostream& out, std::ostream& err) {
  const auto checked = check_config(path, std::make_shared<RefusingHttpClient>(), err);
  if (!checked) return 2;
  auto count = [](size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
  out << path << ": ok (" << count(checked->config.sources.size(), "source") << ", "
      << count(checked->rules->size(), "rule") << ", " << count(checked->config.agents.size(), "agent") << ")\n";
  return 0;
}

}  // namespace carewatch
