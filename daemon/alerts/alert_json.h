// An Alert as JSON, the form the alert outbox stores (one entry per channel) and reads back to
// render after a restart. Unknown members are ignored, so entries written by an older daemon
// still read.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "daemon/alerts/alert.h"

namespace carewatch {

std::string to_json(const Alert& a);
bool parse_alert(std::string_view json, Alert& out, std::string& error);

// The alert's members written into an object already started (for the generic webhook's body).
void write_alert_members(rapidjson::Writer<rapidjson::StringBuffer>& w, const Alert& a);

}  // namespace carewatch
