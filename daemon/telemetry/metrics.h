// In-process metrics rendered in the Prometheus text exposition format (version 0.0.4).
// Thread-safe. Names follow Prometheus conventions (carewatch_<what>_<unit>[_total]).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace carewatch {

using Labels = std::vector<std::pair<std::string, std::string>>;  // order kept as given

class Metrics {
 public:
  Metrics();
  ~Metrics();
  // Declares a family once (HELP/TYPE lines); type is "counter", "gauge" or "histogram".
  // Histograms get `buckets` (upper bounds in seconds; default: 1s .. 7d latency buckets).
  void describe(const std::string& name, const std::string& type, const std::string& help,
                std::vector<double> buckets = {});
  void inc(const std::string& name, const Labels& labels = {}, double by = 1);
  void set(const std::string& name, const Labels& labels, double value);
  void observe(const std::string& name, const Labels& labels, double value);
  std::string render() const;  // text format; label values escaped

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
