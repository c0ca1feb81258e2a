// exec: a connector in any language. carewatch runs the configured program once per poll, writes
// one JSON object to its stdin ({"protocol": 1, "source", "cursor", "settings"}), and reads what
// it prints, one JSON object a line: mentions in carewatch's mention format, {"cursor": ...},
// {"more": true}, {"retry_after": <s>} and {"log": ..., "level": ...}. The contract, with exit
// codes, is connectors/exec/PROTOCOL.md; the README's "exec" section says the same for operators.
//
// Options: options.h (ExecOptions, read from schema.json; the program is checked to exist and be
// executable when the source is built, without running it).
//
// The cursor is whatever JSON value the program printed last in {"cursor": ...}, stored as its
// compact JSON text and handed back as the same value on the next poll (null on the first). It is
// stored only after the poll's mentions are enqueued, as for every source.
//
// A poll is all or nothing: mentions and the cursor count only when the program exits 0. A crash,
// a signal, another exit code or a hang past options.timeout (SIGTERM, then SIGKILL after
// options.kill_grace, to the program's whole process group) fails the poll: it is retried with
// backoff, the cursor does not move, and the message carries the exit status and the tail of
// stderr. Exit code 75 (EX_TEMPFAIL) asks for a retry without calling it a crash; 78 (EX_CONFIG)
// says the configuration is wrong and sets the source down. A line that is not JSON, not an
// object, or a mention missing id/text/platform is skipped with a warning naming the line and the
// field; the rest of the poll is kept. Log lines at warning/error level become the batch's
// warnings, info lines its notes. More than options.max_mentions mentions fails the poll for good
// (a plugin pages with {"more": true} instead).
//
// exec sources cannot reply (the default: cannot_reply).
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/exec/options.h"
#include "connectors/http/http_client.h"

namespace carewatch {

// Builds an exec connector for source `source`. On a configuration problem returns nullptr and sets
// `error` ("options.program: \"plugins/forum.py\" is not executable (chmod +x it)"). `http` is not
// used.
std::unique_ptr<Connector> make_exec_connector(const std::string& source, ExecOptions options,
                                               std::shared_ptr<HttpClient> http, std::string& error);

}  // namespace carewatch
