// In-process metrics rendered in the Prometheus text exposition format (version 0.0.4).
// Thread-safe. Names follow Prometheus conventions (carewatch_<what>_<unit>[_total]).
//
// A family is declared once, as a constant (daemon/telemetry/metric_catalogue.h holds all of
// carewatch's): name, type, help and label names. Code records through a typed handle made
// from that declaration: a Counter only takes inc, a Gauge set, a Histogram observe, each with
// exactly as many label values as the family has label names (checked when compiling). There is
// no way to record under a name that was not declared.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch {

enum class MetricType { counter, gauge, histogram };

// The declaration of a family with N labels. `buckets` (histograms only): upper bounds in
// seconds; empty gives the latency buckets, 1 s .. 7 days.
template <MetricType Type, std::size_t N>
struct MetricFamily {
  static constexpr MetricType type = Type;
  std::string_view name;
  std::string_view help;
  std::array<std::string_view, N> labels;
  std::span<const double> buckets = {};
};
template <std::size_t N> using CounterFamily = MetricFamily<MetricType::counter, N>;
template <std::size_t N> using GaugeFamily = MetricFamily<MetricType::gauge, N>;
template <std::size_t N> using HistogramFamily = MetricFamily<MetricType::histogram, N>;

// A family's declaration without its label count in the type, for lists of families.
struct MetricFamilyInfo {
  std::string_view name;
  MetricType type;
  std::string_view help;
  std::vector<std::string_view> labels;

  template <MetricType T, std::size_t N>
  MetricFamilyInfo(const MetricFamily<T, N>& f)  // NOLINT: implicit on purpose
      : name(f.name), type(T), help(f.help), labels(f.labels.begin(), f.labels.end()) {}
};
const char* to_string(MetricType t);  // "counter", "gauge", "histogram"

class Metrics;

namespace metrics_detail {
struct Family;  // a family's state inside Metrics

// What the handles share: the family they record into.
class Handle {
 protected:
  Handle(Metrics& metrics, Family& family) : metrics_(&metrics), family_(&family) {}
  void record(std::span<const std::string> values, double value) const;
  Metrics* metrics_;
  Family* family_;
};
}  // namespace metrics_detail

template <std::size_t N>
class Counter : metrics_detail::Handle {
 public:
  void inc(const std::array<std::string, N>& label_values, double by = 1) const { record(label_values, by); }

 private:
  friend class Metrics;
  using Handle::Handle;
};

template <std::size_t N>
class Gauge : metrics_detail::Handle {
 public:
  void set(const std::array<std::string, N>& label_values, double value) const { record(label_values, value); }

 private:
  friend class Metrics;
  using Handle::Handle;
};

template <std::size_t N>
class Histogram : metrics_detail::Handle {
 public:
  void observe(const std::array<std::string, N>& label_values, double value) const { record(label_values, value); }

 private:
  friend class Metrics;
  using Handle::Handle;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Registers a family (its HELP/TYPE lines appear from now on, with or without series) and
  // returns its handle; registering the same declaration again gives a handle to the same
  // series. Two different declarations under one name throw std::logic_error.
  template <std::size_t N> Counter<N> add(const CounterFamily<N>& f) { return {*this, family(f)}; }
  template <std::size_t N> Gauge<N> add(const GaugeFamily<N>& f) { return {*this, family(f)}; }
  template <std::size_t N> Histogram<N> add(const HistogramFamily<N>& f) { return {*this, family(f)}; }

  std::string render() const;  // text format, families sorted by name; label values escaped

 private:
  friend class metrics_detail::Handle;
  metrics_detail::Family& family(const MetricFamilyInfo& info, std::span<const double> buckets);
  template <MetricType T, std::size_t N>
  metrics_detail::Family& family(const MetricFamily<T, N>& f) { return family(MetricFamilyInfo(f), f.buckets); }

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
