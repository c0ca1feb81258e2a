// connector_options_table README.md [--check]: rewrites the option table of every connector type
// in README.md from its schema.json (see options_table.h); with --check, changes nothing and exits
// 1 when a table differs. Run through scripts/connector-options-table.
#include <fstream>
#include <iostream>
#include <string>

#include "connectors/options/options_table.h"
#include "mention/common/file.h"

int main(int argc, char** argv) {
  const bool check = argc == 3 && std::string(argv[2]) == "--check";
  if (argc != 2 && !check) {
    std::cerr << "usage: connector_options_table README.md [--check]\n";
    return 2;
  }
  const std::string path = argv[1];
  std::string text, error;
  if (!carewatch::read_file(path, text, error)) {
    std::cerr << error << "\n";
    return 2;
  }
  const auto updated = carewatch::with_options_tables(text, error);
  if (!updated) {
    std::cerr << path << ": " << error << "\n";
    return 2;
  }
  if (*updated == text) return 0;
  if (check) {
    std::cerr << path << ": the connector option tables differ from the schemas; run scripts/connector-options-table\n";
    return 1;
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << *updated;
  std::cout << path << ": connector option tables rewritten\n";
  return 0;
}
