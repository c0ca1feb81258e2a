// Mastodon: hashtag timelines (/api/v1/timelines/tag/{tag}, public), the brand account's
// mentions (/api/v1/notifications?types[]=mention, token) and search (/api/v2/search?type=statuses,
// token). Options: connectors/mastodon/schema.json.
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/registry.h"

namespace carewatch {

std::unique_ptr<Connector> make_mastodon_connector(const SourceSpec& spec,
                                                   std::shared_ptr<HttpClient> http,
                                                   std::string& error);

}  // namespace carewatch
