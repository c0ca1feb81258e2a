// The configured sources, each with its connector built: what `carewatch run` polls and what
// `carewatch check-config` builds (with an HttpClient that refuses every request) to refuse every
// configuration that run would refuse. Building a connector never polls.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/http/http_client.h"
#include "daemon/config/config.h"
#include "daemon/pipeline/scheduler.h"

namespace carewatch {

// Every source of `cfg`, in order, or nullopt with `error` set to one line naming the first that
// cannot be built: "sources[1]: options.path: cannot open \"x.jsonl\": No such file or directory".
std::optional<std::vector<ScheduledSource>> build_sources(const Config& cfg, std::shared_ptr<HttpClient> http,
                                                          std::string& error);

}  // namespace carewatch
