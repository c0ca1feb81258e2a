// The SLA policies of the "queues" section (config/schema/config.schema.json), parsed into the
// types of daemon/telemetry/sla_policy.h.
//
//   queues.sla, queues.sla_warn_at      first-response targets per priority and one warning
//                                       fraction (as before): the default policy's
//   queues.sla_warnings                 warning fractions (replaces sla_warn_at)
//   queues.sla_next_response            next-response targets per priority (default: first response)
//   queues.sla_resolution               resolution targets per priority (default: none)
//   queues.business_hours               the default calendar (default: 24x7)
//   queues.policies.<queue>             a queue's own policy: time_zone, hours, holidays, targets
//                                       (p0..p3: first_response, next_response, resolution),
//                                       warnings; what it leaves out comes from the default policy
//
// Each problem is one error line naming the path and the value:
//   queues.policies.support.time_zone: expected an IANA time zone like "Europe/Berlin", got "Mars/Base"
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <map>

#include "daemon/config/config_report.h"
#include "daemon/telemetry/sla_policy.h"

namespace carewatch {

// `queues` may be null (no section). `first_response` and `warn_at` are queues.sla and
// queues.sla_warn_at as already read.
SlaPolicies read_sla_policies(const rapidjson::Value* queues,
                              const std::map<int, std::chrono::milliseconds>& first_response, double warn_at,
                              ConfigReport& report);

}  // namespace carewatch
