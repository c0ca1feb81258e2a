#include "daemon/api/address_tally.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace carewatch {

AddressTally tally_addresses(const std::map<std::string, size_t>& by_address, size_t shown) {
  AddressTally out;
  std::vector<std::pair<size_t, std::string>> sorted;
  for (const auto& [address, n] : by_address) {
    out.total += n;
    sorted.emplace_back(n, address);
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < sorted.size() && i < shown; ++i)
    out.addresses += (i ? ", " : "") + sorted[i].second + " " + std::to_string(sorted[i].first);
  if (sorted.size() > shown) out.addresses += ", and " + std::to_string(sorted.size() - shown) + " more addresses";
  return out;
}

}  // namespace carewatch
