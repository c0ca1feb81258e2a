#include "daemon/telemetry/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>

namespace carewatch {

namespace metrics_detail {

struct Series {
  double value = 0;                    // counter, gauge
  std::vector<std::uint64_t> buckets;  // histogram: observations <= bound i (cumulative)
  std::uint64_t count = 0;
  double sum = 0;
};

struct Family {
  std::string name;
  MetricType type = MetricType::counter;
  std::string help;
  std::vector<std::string> labels;     // label names, in the declared order
  std::vector<double> bounds;          // histogram upper bounds, ascending, finite
  std::map<std::vector<std::string>, Series> series;  // by label values
};

}  // namespace metrics_detail

namespace {

using metrics_detail::Family;
using metrics_detail::Series;

// Latency buckets in seconds: 1s .. 7 days.
const std::vector<double> kDefaultBuckets = {1,    5,    15,    30,    60,    120,    300,   600, 900,
                                             1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800};

std::vector<double> clean_bounds(std::vector<double> b) {
  b.erase(std::remove_if(b.begin(), b.end(), [](double v) { return !std::isfinite(v); }), b.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

// Integral values print without decimals ("4"); others in the shortest form that reads back
// the same ("0.25"); infinities and NaN as Prometheus spells them.
void append_value(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {
    out += std::to_string(static_cast<long long>(v));
  } else {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

void append_escaped_label(std::string& out, const std::string& v) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

void append_escaped_help(std::string& out, const std::string& v) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

// `{a="1",b="2"}`, plus an `le` label for histogram buckets; nothing when there are no labels.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, const std::string* le = nullptr) {
  if (names.empty() && !le) return;
  out += '{';
  bool first = true;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    append_escaped_label(out, values[i]);
    out += '"';
  }
  if (le) {
    if (!first) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
}

}  // namespace

const char* to_string(MetricType t) {
  switch (t) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
  }
  return "untyped";
}

struct Metrics::Impl {
  mutable std::mutex mutex;
  std::map<std::string, Family, std::less<>> families;  // sorted by name
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

Family& Metrics::family(const MetricFamilyInfo& info, std::span<const double> buckets) {
  std::vector<std::string> labels(info.labels.begin(), info.labels.end());
  std::vector<double> bounds;
  if (info.type == MetricType::histogram) {
    bounds = clean_bounds(std::vector<double>(buckets.begin(), buckets.end()));
    if (bounds.empty()) bounds = kDefaultBuckets;
  }
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto [it, inserted] = impl_->families.try_emplace(std::string(info.name));
  Family& f = it->second;
  if (inserted) {
    f.name = it->first;
    f.type = info.type;
    f.help = std::string(info.help);
    f.labels = std::move(labels);
    f.bounds = std::move(bounds);
  } else if (f.type != info.type || f.help != info.help || f.labels != labels || f.bounds != bounds) {
    throw std::logic_error("metric " + f.name + " is declared twice, differently");
  }
  return f;
}

void metrics_detail::Handle::record(std::span<const std::string> values, double value) const {
  Family& f = *family_;
  std::lock_guard<std::mutex> lock(metrics_->impl_->mutex);
  Series& s = f.series[std::vector<std::string>(values.begin(), values.end())];
  switch (f.type) {
    case MetricType::counter: s.value += value; break;
    case MetricType::gauge: s.value = value; break;
    case MetricType::histogram:
      if (s.buckets.size() != f.bounds.size()) s.buckets.assign(f.bounds.size(), 0);
      for (size_t i = 0; i < f.bounds.size(); ++i)
        if (value <= f.bounds[i]) ++s.buckets[i];
      ++s.count;
      s.sum += value;
      break;
  }
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::string out;
  for (const auto& [name, f] : impl_->families) {
    out += "# HELP " + name + ' ';
    append_escaped_help(out, f.help);
    out += '\n';
    out += "# TYPE " + name + ' ' + to_string(f.type) + '\n';
    for (const auto& [values, s] : f.series) {
      if (f.type != MetricType::histogram) {
        out += name;
        append_labels(out, f.labels, values);
        out += ' ';
        append_value(out, s.value);
        out += '\n';
        continue;
      }
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        std::string le;
        append_value(le, f.bounds[i]);
        out += name + "_bucket";
        append_labels(out, f.labels, values, &le);
        out += ' ';
        out += std::to_string(i < s.buckets.size() ? s.buckets[i] : 0);
        out += '\n';
      }
      const std::string inf = "+Inf";
      out += name + "_bucket";
      append_labels(out, f.labels, values, &inf);
      out += ' ' + std::to_string(s.count) + '\n';
      out += name + "_sum";
      append_labels(out, f.labels, values);
      out += ' ';
      append_value(out, s.sum);
      out += '\n';
      out += name + "_count";
      append_labels(out, f.labels, values);
      out += ' ' + std::to_string(s.count) + '\n';
    }
  }
  return out;
}

}  // namespace carewatch
