// The README's option table of each connector, generated from its schema.json: the schema is the
// one definition of an option (name, type, range, default, description), and this is its
// documentation. scripts/connector-options-table rewrites the tables; a unit test fails when the
// README and the schemas disagree.
//
// In README.md a table sits between two marker lines:
//   <!-- options of replay: generated from connectors/replay/schema.json by scripts/connector-options-table -->
//   | option | type | default | meaning |
//   ...
//   <!-- end of options of replay -->
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace carewatch {

// The Markdown table of a schema's properties, in the schema's order, each line ending in '\n'.
std::string options_table(const char* schema);

// `readme` with the table of every registered connector type replaced by the one generated from
// its schema; nullopt (and `error`) when a type has no marked table or a marker is unpaired.
std::optional<std::string> with_options_tables(std::string_view readme, std::string& error);

}  // namespace carewatch
