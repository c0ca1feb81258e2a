// A trained text classifier's predictions, explanations and model file (see text_model.h and,
// for the features and their weighting, text_model_impl.h). Training: text_model_train.cpp.
#include "rules/text_model.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <cmath>
#include <fstream>
#include <sstream>

#include "rules/text_model_impl.h"

namespace carewatch {
extern const char* const kComplaintModel;  // embedded by rules/CMakeLists.txt
}

namespace carewatch::rules {

namespace text_model_detail {

float keep(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v), std::chars_format::general, 5);
  float f = 0;
  std::from_chars(buf, r.ptr, f);
  return f;
}

}  // namespace text_model_detail

namespace {

using text_features::Origin;
using text_features::Tokens;

constexpr std::string_view kMagic = "carewatch-text-model";
constexpr int kVersion = 2;

void put(std::string& s, float v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 5);
  s.append(buf, r.ptr);
}

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// One text's distinct features: where each first occurred, how often, and its weighted value.
struct Feature {
  uint32_t bucket = 0;
  uint32_t count = 0;
  Origin origin;
  const TextModel::Impl::Slot* slot = nullptr;  // the model's row, nullptr if unknown
  double value = 0;                             // (1 + ln count) x idf x the view's scale
  bool looked_up = false;                       // slot is known (from the word cache)
};

// A word's character n-grams, each with the model's slot: words recur, so each thread keeps
// the last few thousand it has seen (direct-mapped by the word's hash), per model.
struct CachedGram {
  uint32_t bucket = 0;
  uint16_t offset = 0;
  uint16_t length = 0;
  const TextModel::Impl::Slot* slot = nullptr;
};
class WordCache {
 public:
  static constexpr size_t kEntries = 2048;
  static constexpr size_t kLongestWord = 32;  // longer words are not kept

  // The n-grams of `w` under model `m`; `hash` spreads words over the entries.
  const std::vector<CachedGram>& get(const TextModel::Impl& m, std::string_view w, uint32_t hash) {
    Entry& e = entries_[hash & (kEntries - 1)];
    if (e.model == m.id && e.size == w.size() && std::memcmp(e.word, w.data(), w.size()) == 0) return e.grams;
    e.model = m.id;
    e.size = static_cast<uint8_t>(w.size());
    std::memcpy(e.word, w.data(), w.size());
    e.grams.clear();
    text_features::char_features(w, 0, m.params, [&](uint32_t bucket, const Origin& origin) {
      e.grams.push_back(CachedGram{bucket, static_cast<uint16_t>(origin.offset), static_cast<uint16_t>(origin.length),
                                   m.find(bucket)});
    });
    return e.grams;
  }

 private:
  struct Entry {
    uint64_t model = 0;  // TextModel::Impl::id; 0: empty
    uint8_t size = 0;
    char word[kLongestWord] = {};
    std::vector<CachedGram> grams;
  };
  std::vector<Entry> entries_ = std::vector<Entry>(kEntries);
};

// Reused per thread: the text's tokens, its features and an open-addressing table bucket ->
// feature index, stamped per text so it is never cleared.
struct Scratch {
  struct Entry {
    uint32_t stamp = 0;
    uint32_t bucket = 0;
    uint32_t index = 0;
  };
  Tokens tokens;
  std::vector<Feature> features;
  std::vector<Entry> table;
  uint32_t stamp = 0;
  std::vector<std::pair<double, uint32_t>> ranked;
  std::vector<double> z;
  WordCache words;

  void reset(size_t expected) {
    size_t cap = 64;
    while (cap < expected * 2) cap <<= 1;
    if (table.size() < cap) table.assign(cap, Entry{});
    if (++stamp == 0) {  // wrapped: forget every old stamp
      std::fill(table.begin(), table.end(), Entry{});
      stamp = 1;
    }
  }
  // Counts one occurrence of `bucket`; `slot`, if `known`, is its model slot.
  [[gnu::always_inline]] void add(uint32_t bucket, const Origin& origin, bool known = false,
                                  const TextModel::Impl::Slot* slot = nullptr) {
    if (features.size() * 2 >= table.size()) [[unlikely]] grow();
    const size_t mask = table.size() - 1;
    size_t i = (bucket * 2654435761u) & mask;
    while (table[i].stamp == stamp) {
      if (table[i].bucket == bucket) {
        ++features[table[i].index].count;
        return;
      }
      i = (i + 1) & mask;
    }
    table[i] = Entry{stamp, bucket, static_cast<uint32_t>(features.size())};
    features.push_back(Feature{bucket, 1, origin, slot, 0, known});
  }
  void grow() {  // keeps the table at most half full
    table.assign(table.size() * 2, Entry{});
    const size_t mask = table.size() - 1;
    for (uint32_t f = 0; f < features.size(); ++f) {
      size_t i = (features[f].bucket * 2654435761u) & mask;
      while (table[i].stamp == stamp) i = (i + 1) & mask;
      table[i] = Entry{stamp, features[f].bucket, f};
    }
  }
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Reads `text` into s.features (values already scaled) and s.z (raw scores per output).
void score(const TextModel::Impl& m, std::string_view text, Scratch& s) {
  text_features::normalize(text, s.tokens);
  s.features.clear();
  s.reset(s.tokens.buf.size() * 4 + s.tokens.size() * 2);
  // The features of text_features::features(), in the same order, with each word's character
  // n-grams (and their slots) from the word cache.
  const Tokens& t = s.tokens;
  const size_t n_tokens = t.size();
  const bool chars_on = text_features::has_char_features(m.params);
  for (size_t i = 0; i < n_tokens; ++i) {
    const std::string_view w = t.at(i);
    const auto ti = static_cast<uint32_t>(i);
    const uint32_t word = text_features::word_bucket(w);
    s.add(word, Origin{text_features::Kind::word, ti, 0, 0});
    s.add(text_features::bigram_bucket(i == 0 ? std::string_view("<s>") : t.at(i - 1), w),
          Origin{text_features::Kind::bigram, ti, 0, 0});
    if (t.special[i] || !chars_on) continue;
    if (w.size() > WordCache::kLongestWord) {
      text_features::char_features(w, ti, m.params, [&](uint32_t bucket, const Origin& origin) { s.add(bucket, origin); });
      continue;
    }
    for (const CachedGram& g : s.words.get(m, w, word))
      s.add(g.bucket, Origin{text_features::Kind::chars, ti, g.offset, g.length}, true, g.slot);
  }
  if (n_tokens > 0)
    s.add(text_features::bigram_bucket(t.at(n_tokens - 1), std::string_view("</s>")),
          Origin{text_features::Kind::bigram, static_cast<uint32_t>(n_tokens), 0, 0});
  // Look up the rest, fetching the model's slots a few features ahead of their use.
  double words = 0, chars = 0;  // squared lengths of the two views
  constexpr size_t kAhead = 8;
  const size_t n = s.features.size();
  auto fetch = [&](size_t f) {
    if (f < n && !s.features[f].looked_up && !m.slots.empty()) __builtin_prefetch(&m.slots[m.slot_of(s.features[f].bucket)]);
  };
  for (size_t f = 0; f < std::min(kAhead, n); ++f) fetch(f);
  for (size_t f = 0; f < n; ++f) {
    fetch(f + kAhead);
    Feature& feature = s.features[f];
    if (!feature.looked_up) feature.slot = m.find(feature.bucket);
    if (!feature.slot) continue;
    feature.value = text_model_detail::term_weight(feature.count) * feature.slot->idf;
    (text_features::is_char_bucket(feature.bucket) ? chars : words) += feature.value * feature.value;
  }
  const double word_scale = words > 0 ? 1.0 / std::sqrt(words) : 0.0;
  const double char_scale = chars > 0 ? m.char_weight / std::sqrt(chars) : 0.0;
  s.z.assign(m.bias.begin(), m.bias.end());
  for (Feature& f : s.features) {
    if (!f.slot) continue;
    f.value *= text_features::is_char_bucket(f.bucket) ? char_scale : word_scale;
    if (m.outputs == 1) {
      s.z[0] += f.value * f.slot->w0;
    } else {
      const float* w = m.weights(*f.slot);
      for (size_t k = 0; k < m.outputs; ++k) s.z[k] += f.value * w[k];
    }
  }
}

std::vector<double> probabilities(const TextModel::Impl& m, const std::vector<double>& z) {
  std::vector<double> p(m.labels.size());
  if (m.outputs == 1) {
    p[1] = sigmoid(z[0]);
    p[0] = 1.0 - p[1];
    return p;
  }
  const double top = *std::max_element(z.begin(), z.end());  // softmax, shifted to stay finite
  double sum = 0;
  for (size_t k = 0; k < m.outputs; ++k) sum += p[k] = std::exp(z[k] - top);
  for (auto& v : p) v /= sum;
  return p;
}

// The `top` features of the scored text that pushed most toward `label`, largest first (ties
// by bucket, so the order is stable). Only the winners get a name.
void top_contributions(const TextModel::Impl& m, Scratch& s, size_t label, size_t top, std::vector<Contribution>& out) {
  out.clear();
  if (label >= m.labels.size() || top == 0) return;
  // The best `top` so far, kept sorted: largest contribution first, ties by bucket.
  s.ranked.clear();
  const auto& features = s.features;
  const auto before = [&](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) {
    return a.first > b.first || (a.first == b.first && features[a.second].bucket < features[b.second].bucket);
  };
  for (uint32_t f = 0; f < features.size(); ++f) {
    const Feature& feature = features[f];
    if (!feature.slot) continue;
    const double w = m.outputs == 1 ? (label == 1 ? feature.slot->w0 : -feature.slot->w0) : m.weights(*feature.slot)[label];
    const std::pair<double, uint32_t> candidate{feature.value * w, f};
    if (!(candidate.first > 0)) continue;
    if (s.ranked.size() == top && !before(candidate, s.ranked.back())) continue;
    if (s.ranked.size() == top) s.ranked.pop_back();
    s.ranked.insert(std::upper_bound(s.ranked.begin(), s.ranked.end(), candidate, before), candidate);
  }
  out.reserve(s.ranked.size());
  for (const auto& [weight, f] : s.ranked)
    out.push_back({text_features::feature_name(s.tokens, features[f].origin), weight});
}

}  // namespace

TextModel::TextModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TextModel::~TextModel() = default;

const std::vector<std::string>& TextModel::labels() const { return impl_->labels; }

std::optional<size_t> TextModel::label_index(std::string_view label) const {
  for (size_t i = 0; i < impl_->labels.size(); ++i)
    if (impl_->labels[i] == label) return i;
  return std::nullopt;
}

std::vector<double> TextModel::predict(std::string_view text) const {
  Scratch& s = scratch();
  score(*impl_, text, s);
  return probabilities(*impl_, s.z);
}

std::vector<double> TextModel::predict(std::string_view text, size_t label, size_t top,
                                       std::vector<Contribution>& why) const {
  Scratch& s = scratch();
  score(*impl_, text, s);
  top_contributions(*impl_, s, label, top, why);
  return probabilities(*impl_, s.z);
}

std::vector<Contribution> TextModel::explain(std::string_view text, size_t label, size_t top) const {
  std::vector<Contribution> why;
  predict(text, label, top, why);
  return why;
}

// ---------------------------------------------------------------------------------------------
// The model file (text):
//   carewatch-text-model 2
//   features char=1-4 char_weight=1
//   labels N            then N lines "label <name>"
//   outputs K
//   bias <K numbers>
//   weights M           then M lines "<bucket hex> <idf> <K coefficients>"
//   end

std::string TextModel::save() const {
  const Impl& m = *impl_;
  std::string s;
  s.reserve(64 + m.row_bucket.size() * (8 + 9 * m.stride()));
  s.append(kMagic).append(" ").append(std::to_string(kVersion)).append("\n");
  s.append("features char=")
      .append(std::to_string(m.params.char_min))
      .append("-")
      .append(std::to_string(m.params.char_max))
      .append(" char_weight=");
  put(s, static_cast<float>(m.char_weight));
  s.append("\n");
  s.append("labels ").append(std::to_string(m.labels.size())).append("\n");
  for (const auto& l : m.labels) s.append("label ").append(l).append("\n");
  s.append("outputs ").append(std::to_string(m.outputs)).append("\n");
  s.append("bias");
  for (const float b : m.bias) {
    s.push_back(' ');
    put(s, b);
  }
  s.append("\nweights ").append(std::to_string(m.row_bucket.size())).append("\n");
  char hex[16];
  for (size_t r = 0; r < m.row_bucket.size(); ++r) {
    const auto res = std::to_chars(hex, hex + sizeof hex, m.row_bucket[r], 16);
    s.append(hex, res.ptr);
    for (size_t k = 0; k < m.stride(); ++k) {
      s.push_back(' ');
      put(s, m.data[r * m.stride() + k]);
    }
    s.push_back('\n');
  }
  s.append("end\n");
  return s;
}

bool TextModel::save_file(const std::string& path, std::string& error) const {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    error = "cannot write model file " + path;
    return false;
  }
  const std::string s = save();
  f.write(s.data(), static_cast<std::streamsize>(s.size()));
  f.close();
  if (!f) {
    error = "cannot write model file " + path;
    return false;
  }
  return true;
}

namespace {

struct LineReader {
  std::string_view text;
  size_t pos = 0;
  size_t line_no = 0;
  bool next(std::string_view& line) {
    if (pos >= text.size()) return false;
    size_t e = text.find('\n', pos);
    if (e == std::string_view::npos) e = text.size();
    line = text.substr(pos, e - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = e + 1;
    ++line_no;
    return true;
  }
};

bool parse_size(std::string_view s, size_t& v) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Parses `count` floats separated by single spaces.
bool parse_floats(std::string_view s, size_t count, float* out) {
  const char* p = s.data();
  const char* end = s.data() + s.size();
  for (size_t k = 0; k < count; ++k) {
    if (k > 0) {
      if (p >= end || *p != ' ') return false;
      ++p;
    }
    const auto r = std::from_chars(p, end, out[k]);
    if (r.ec != std::errc() || !std::isfinite(out[k])) return false;
    p = r.ptr;
  }
  return p == end;
}

}  // namespace

std::shared_ptr<const TextModel> TextModel::load(std::string_view bytes, std::string& error) {
  LineReader in{bytes};
  std::string_view line;
  auto fail = [&](const std::string& what) {
    error = "model line " + std::to_string(in.line_no) + ": " + what;
    return nullptr;
  };
  auto expect = [&](std::string_view key, std::string_view& rest) {
    if (!in.next(line)) return false;
    if (line.substr(0, key.size()) != key || line.size() <= key.size() || line[key.size()] != ' ') return false;
    rest = line.substr(key.size() + 1);
    return true;
  };
  std::string_view rest;
  if (!expect(kMagic, rest)) {
    error = "not a carewatch text model (expected \"" + std::string(kMagic) + " " + std::to_string(kVersion) +
            "\" on the first line)";
    return nullptr;
  }
  if (rest == "1")
    return fail("this model is of version 1, from an older carewatch; retrain it with this build's "
                "`carewatch train` (this build reads version " + std::to_string(kVersion) + ")");
  if (rest != std::to_string(kVersion))
    return fail("unsupported model version " + std::string(rest) + " (this build reads version " +
                std::to_string(kVersion) + ")");
  auto impl = std::make_unique<Impl>();
  if (!expect("features", rest)) return fail("expected \"features char=MIN-MAX char_weight=W\"");
  {
    // "char=MIN-MAX char_weight=W"
    int a = -1, b = -1;
    float cw = -1;
    const char* p = rest.data();
    const char* end = rest.data() + rest.size();
    auto literal = [&](std::string_view lit) {
      if (static_cast<size_t>(end - p) < lit.size() || std::string_view(p, lit.size()) != lit) return false;
      p += lit.size();
      return true;
    };
    auto number = [&](auto& v) {
      const auto r = std::from_chars(p, end, v);
      if (r.ec != std::errc()) return false;
      p = r.ptr;
      return true;
    };
    const bool parsed = literal("char=") && number(a) && literal("-") && number(b) && literal(" char_weight=") &&
                        number(cw) && p == end;
    if (!parsed || a < 0 || b < 0 || a > 16 || b > 16 || !(cw >= 0 && cw < 1e6))
      return fail("bad features line \"" + std::string(rest) + "\" (expected \"char=MIN-MAX char_weight=W\")");
    impl->params.char_min = a;
    impl->params.char_max = b;
    impl->char_weight = cw;
  }
  size_t n_labels = 0;
  if (!expect("labels", rest) || !parse_size(rest, n_labels) || n_labels < 2 || n_labels > 100000)
    return fail("expected \"labels N\" with N >= 2");
  for (size_t i = 0; i < n_labels; ++i) {
    if (!expect("label", rest) || rest.empty()) return fail("expected \"label NAME\"");
    impl->labels.emplace_back(rest);
  }
  size_t outputs = 0;
  if (!expect("outputs", rest) || !parse_size(rest, outputs) ||
      outputs != (n_labels == 2 ? size_t{1} : n_labels))
    return fail("expected \"outputs " + std::to_string(n_labels == 2 ? 1 : n_labels) + "\"");
  impl->outputs = outputs;
  impl->bias.resize(outputs);
  if (!expect("bias", rest) || !parse_floats(rest, outputs, impl->bias.data()))
    return fail("expected \"bias\" and " + std::to_string(outputs) + " numbers");
  size_t rows = 0;
  if (!expect("weights", rest) || !parse_size(rest, rows) || rows > (size_t{1} << text_features::kBits))
    return fail("expected \"weights M\"");
  impl->row_bucket.resize(rows);
  impl->data.resize(rows * impl->stride());
  std::vector<bool> seen(size_t{1} << text_features::kBits, false);
  for (size_t r = 0; r < rows; ++r) {
    if (!in.next(line)) return fail("model ends after " + std::to_string(r) + " of " + std::to_string(rows) + " weights");
    const size_t sp = line.find(' ');
    uint32_t bucket = 0;
    const auto res = std::from_chars(line.data(), line.data() + std::min(sp, line.size()), bucket, 16);
    if (sp == std::string_view::npos || res.ec != std::errc() || res.ptr != line.data() + sp || bucket > text_features::kMask)
      return fail("bad weight line (expected \"<bucket hex> <weights>\")");
    if (seen[bucket]) return fail("bucket " + std::string(line.substr(0, sp)) + " appears twice");
    seen[bucket] = true;
    impl->row_bucket[r] = bucket;
    if (!parse_floats(line.substr(sp + 1), impl->stride(), &impl->data[r * impl->stride()]) ||
        !(impl->data[r * impl->stride()] >= 0))
      return fail("bad weight line (expected an idf >= 0 and " + std::to_string(outputs) + " coefficients)");
  }
  if (!in.next(line) || line != "end") return fail("expected \"end\"");
  impl->build_table();
  return std::make_shared<const TextModel>(std::move(impl));
}

std::shared_ptr<const TextModel> TextModel::load_file(const std::string& path, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot read model file " + path;
    return nullptr;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  auto model = load(ss.str(), error);
  if (!model) error = path + ": " + error;
  return model;
}

std::shared_ptr<const TextModel> builtin_complaint_model() {
  static const std::shared_ptr<const TextModel> model = [] {
    std::string error;
    return TextModel::load(kComplaintModel, error);
  }();
  return model;
}

std::optional<size_t> complaint_label(const TextModel& model) {
  const auto& labels = model.labels();
  for (size_t i = 0; i < labels.size(); ++i) {
    std::string l = labels[i];
    for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l == "1" || l == "complaint" || l == "true" || l == "yes") return i;
  }
  return std::nullopt;
}

double complaint_score(const TextModel& model, std::string_view text) {
  const auto index = complaint_label(model);
  if (!index) return 0.0;
  return model.predict(text)[*index];
}

}  // namespace carewatch::rules
