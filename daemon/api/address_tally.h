// What a summary log line says of a count per client address: the total, and the busiest
// addresses first ("10.0.0.7 41, 10.0.0.9 3, and 12 more addresses").
#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace carewatch {

struct AddressTally {
  size_t total = 0;
  std::string addresses;  // at most `shown` of them, most counted first
};

AddressTally tally_addresses(const std::map<std::string, size_t>& by_address, size_t shown = 10);

}  // namespace carewatch
