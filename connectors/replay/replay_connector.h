// The replay connector: mentions from a JSONL file in carewatch's own mention format (see
// mention/mention_json.h), one object a line — for demos, load tests and reproducing incidents.
//
// Options (schema.json):
//   path         the file, relative to the configuration file's directory. Required.
//   pace         "full": as fast as the pipeline takes batches (default);
//                "timestamps": each mention is released when its posted_at comes due, the gaps
//                between mentions divided by `speed`.
//   speed        > 0, default 1 (60: an hour of traffic replays in a minute).
//   batch_size   lines per poll, 1..10000, default 500.
//   rebase_time  default true with pace "timestamps", false with "full": posted_at is rewritten
//                so the first mention this connector reads is "now" and the gaps between
//                mentions are divided by `speed`; latency figures of a demo are then meaningful.
//                Mentions without a posted_at keep none.
//   platform     sets the platform of every mention (and so its uid, "<platform>:<id>").
//
// Every mention gets source = the source's name and seen_at = the time of the poll.
//
// The cursor is the byte offset after the last consumed line (a decimal string; empty = 0). The
// file stays open and is read sequentially through one buffer; it is only re-positioned when a
// poll asks for another offset (e.g. after a restart). A file that grows is followed: lines
// appended after the end was reached are picked up by later polls. A last line without a
// newline is taken once it parses; until then it is held back as not completely written.
//
// Malformed lines are skipped, never silently: each one becomes a warning in Batch::warnings,
// "<path>:<line>: <what is wrong>", and the good mentions of the batch are returned.
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/registry.h"

namespace carewatch {

// Builds a replay connector from spec.options_json. On a configuration problem returns nullptr
// and sets `error` ("options.path: cannot open \"mentions.jsonl\": No such file or directory").
// `http` is not used.
std::unique_ptr<Connector> make_replay_connector(const SourceSpec& spec,
                                                 std::shared_ptr<HttpClient> http,
                                                 std::string& error);

}  // namespace carewatch
