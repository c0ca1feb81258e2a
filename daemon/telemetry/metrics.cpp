#include "daemon/telemetry/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <mutex>

namespace carewatch {
namespace {

// Latency buckets in seconds: 1s .. 7 days.
const std::vector<double> kDefaultBuckets = {1,    5,    15,    30,    60,    120,    300,   600, 900,
                                             1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800};

enum class Kind { untyped, counter, gauge, histogram };

struct Series {
  double value = 0;                    // counter, gauge, untyped
  std::vector<std::uint64_t> buckets;  // histogram: observations <= bound i (cumulative)
  std::uint64_t count = 0;
  double sum = 0;
};

struct Family {
  Kind kind = Kind::untyped;
  std::string help;
  bool described = false;
  std::vector<double> bounds;          // histogram upper bounds, ascending, finite
  std::map<Labels, Series> series;     // sorted by label pairs as given
};

const char* type_name(Kind k) {
  switch (k) {
    case Kind::counter: return "counter";
    case Kind::gauge: return "gauge";
    case Kind::histogram: return "histogram";
    case Kind::untyped: break;
  }
  return "untyped";
}

Kind kind_from(const std::string& type) {
  if (type == "counter") return Kind::counter;
  if (type == "gauge") return Kind::gauge;
  if (type == "histogram") return Kind::histogram;
  return Kind::untyped;
}

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
void append_labels(std::string& out, const Labels& labels, const std::string* le = nullptr) {
  if (labels.empty() && !le) return;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    append_escaped_label(out, v);
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

struct Metrics::Impl {
  mutable std::mutex mutex;
  std::map<std::string, Family> families;  // sorted by name

  // The family `name`; one never described is created as `fallback` (untyped for inc/set,
  // histogram with the default buckets for observe).
  Family& family(const std::string& name, Kind fallback) {
    auto [it, inserted] = families.try_emplace(name);
    if (inserted) {
      it->second.kind = fallback;
      if (fallback == Kind::histogram) it->second.bounds = kDefaultBuckets;
    }
    return it->second;
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::describe(const std::string& name, const std::string& type, const std::string& help,
                       std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Family& f = impl_->families[name];
  const Kind kind = kind_from(type);
  const bool was_histogram = f.kind == Kind::histogram;
  std::vector<double> bounds;
  if (kind == Kind::histogram) {
    bounds = clean_bounds(std::move(buckets));
    if (bounds.empty()) bounds = kDefaultBuckets;
  }
  // Series recorded under another shape cannot be carried over.
  if ((kind == Kind::histogram) != was_histogram || (was_histogram && bounds != f.bounds))
    f.series.clear();
  f.kind = kind;
  f.help = help;
  f.described = true;
  f.bounds = std::move(bounds);
}

void Metrics::inc(const std::string& name, const Labels& labels, double by) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Family& f = impl_->family(name, Kind::untyped);
  if (f.kind == Kind::histogram) return;  // a histogram only takes observations
  f.series[labels].value += by;
}

void Metrics::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Family& f = impl_->family(name, Kind::untyped);
  if (f.kind == Kind::histogram) return;
  f.series[labels].value = value;
}

void Metrics::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Family& f = impl_->family(name, Kind::histogram);
  if (f.kind != Kind::histogram) return;  // counters and gauges take inc / set
  Series& s = f.series[labels];
  if (s.buckets.size() != f.bounds.size()) s.buckets.assign(f.bounds.size(), 0);
  for (size_t i = 0; i < f.bounds.size(); ++i)
    if (value <= f.bounds[i]) ++s.buckets[i];
  ++s.count;
  s.sum += value;
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::string out;
  for (const auto& [name, f] : impl_->families) {
    if (f.described) {
      out += "# HELP " + name + ' ';
      append_escaped_help(out, f.help);
      out += '\n';
    }
    out += "# TYPE " + name + ' ' + type_name(f.kind) + '\n';
    for (const auto& [labels, s] : f.series) {
      if (f.kind != Kind::histogram) {
        out += name;
        append_labels(out, labels);
        out += ' ';
        append_value(out, s.value);
        out += '\n';
        continue;
      }
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        std::string le;
        append_value(le, f.bounds[i]);
        out += name + "_bucket";
        append_labels(out, labels, &le);
        out += ' ';
        out += std::to_string(i < s.buckets.size() ? s.buckets[i] : 0);
        out += '\n';
      }
      const std::string inf = "+Inf";
      out += name + "_bucket";
      append_labels(out, labels, &inf);
      out += ' ' + std::to_string(s.count) + '\n';
      out += name + "_sum";
      append_labels(out, labels);
      out += ' ';
      append_value(out, s.sum);
      out += '\n';
      out += name + "_count";
      append_labels(out, labels);
      out += ' ' + std::to_string(s.count) + '\n';
    }
  }
  return out;
}

}  // namespace carewatch
