// A trained text classifier's predictions, explanations and model file (see text_model.h and,
// for the features and their weighting, text_model_impl.h). Training: text_model_train.cpp.
#include "rules/text_model.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <cmath>
#include <fstream>

#include "mention/common/file.h"
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
constexpr int kVersion = 3;

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

// What a word contributes under a model, whatever text it is in: the slot of its word feature,
// and its character n-grams' vector c (text_features::text_vector) reduced to |c|^2 and, per
// output, c . w.
struct WordPart {
  const TextModel::Impl::Slot* word_slot = nullptr;
  double squares = 0;
  double dot0 = 0;
  const double* more = nullptr;  // outputs 1 .. K-1 of a model with K > 1 outputs
  double dot(size_t k) const { return k == 0 ? dot0 : more[k - 1]; }
};

// Computes the part of `w` into `part`, the dots of outputs past the first into `more`.
void fill(const TextModel::Impl& m, std::string_view w, WordPart& part, std::vector<double>& more) {
  thread_local std::vector<uint32_t> grams;
  grams.clear();
  text_features::char_features(w, m.params, [&](uint32_t bucket) { grams.push_back(bucket); });
  std::sort(grams.begin(), grams.end());
  part.word_slot = m.find(text_features::word_bucket(w));
  part.squares = 0;
  part.dot0 = 0;
  more.assign(m.outputs - 1, 0.0);
  for (size_t g = 0; g < grams.size();) {
    size_t e = g + 1;
    while (e < grams.size() && grams[e] == grams[g]) ++e;
    if (const auto* slot = m.find(grams[g])) {
      const double v = static_cast<double>(e - g) * slot->idf;
      part.squares += v * v;
      if (m.outputs == 1) {
        part.dot0 += v * slot->w0;
      } else {
        const float* w = m.weights(*slot);
        part.dot0 += v * w[0];
        for (size_t k = 1; k < m.outputs; ++k) more[k - 1] += v * w[k];
      }
    }
    g = e;
  }
  part.more = more.data();
}

// Words recur, so each thread keeps the parts of the words it has seen: a two-way
// set-associative cache of 8,192 words (up to 30 bytes long) across models, keyed by the word's
// hash and the model, the least recently used way of a set replaced. Two ways matter: a
// direct-mapped table of a vocabulary's size refills most of its words over and over, as
// words that share an index evict each other. An entry is one cache line, and a set two
// adjacent ones; the dots of a model's further outputs are kept apart.
class WordCache {
 public:
  static constexpr size_t kSets = 4096;
  static constexpr size_t kLongestWord = 30;  // longer words are not kept

  // The part of `w` (word hash `hash`) under model `m`; valid until the next call.
  WordPart get(const TextModel::Impl& m, std::string_view w, uint32_t hash) {
    if (w.size() > kLongestWord) {
      WordPart part;
      fill(m, w, part, long_word_more_);
      return part;
    }
    const size_t set = (hash ^ static_cast<uint32_t>(m.id * 0x9E3779B97F4A7C15ull >> 32)) & (kSets - 1);
    Entry* ways = &entries_[set * 2];
    for (size_t k = 0; k < 2; ++k) {
      Entry& e = ways[k];
      if (e.model == m.id && e.size == w.size() && std::memcmp(e.word, w.data(), w.size()) == 0) {
        ways[0].recent = static_cast<uint8_t>(k);
        return {e.word_slot, e.squares, e.dot0, m.outputs > 1 ? more_[set * 2 + k].data() : nullptr};
      }
    }
    const size_t victim = ways[0].recent ^ 1u;
    ways[0].recent = static_cast<uint8_t>(victim);
    Entry& e = ways[victim];
    e.model = m.id;
    e.size = static_cast<uint8_t>(w.size());
    std::memcpy(e.word, w.data(), w.size());
    WordPart part;
    fill(m, w, part, more_[set * 2 + victim]);
    e.word_slot = part.word_slot;
    e.squares = part.squares;
    e.dot0 = part.dot0;
    return part;
  }

 private:
  struct alignas(64) Entry {
    uint64_t model = 0;  // TextModel::Impl::id; 0: empty
    const TextModel::Impl::Slot* word_slot = nullptr;
    double squares = 0;
    double dot0 = 0;
    uint8_t size = 0;
    uint8_t recent = 0;  // in a set's first way: the way used last
    char word[kLongestWord] = {};
  };
  static_assert(sizeof(Entry) == 64, "one cache line");
  std::vector<Entry> entries_ = std::vector<Entry>(kSets * 2);
  std::vector<std::vector<double>> more_ = std::vector<std::vector<double>>(kSets * 2);  // per entry
  std::vector<double> long_word_more_;
};

// One text's distinct words and bigrams: where each first occurred, how often, and its
// weighted value.
struct Feature {
  uint32_t bucket = 0;
  uint32_t count = 0;
  Origin origin;
  const TextModel::Impl::Slot* slot = nullptr;  // the model's row, nullptr if unknown
  double value = 0;                             // (1 + ln count) x idf x the view's scale
  bool looked_up = false;                       // slot is known (from the word cache)
};

// One text's distinct tokens that have character n-grams.
struct Token {
  uint32_t first = 0;    // its first position in the text
  uint32_t count = 0;
  uint32_t feature = 0;  // its word feature (index into Scratch::features)
  double squares = 0;    // |c|^2 of its character n-grams (WordPart::squares)
  double weight = 0;     // 1 + ln count, once the text is read
};

// An open-addressing set of 32-bit keys -> index, stamped per text so it is never cleared.
class StampedIndex {
 public:
  void start(size_t expected) {
    size_t cap = 64;
    while (cap < expected * 2) cap <<= 1;
    if (table_.size() < cap) table_.assign(cap, Entry{});
    if (++stamp_ == 0) {  // wrapped: forget every old stamp
      std::fill(table_.begin(), table_.end(), Entry{});
      stamp_ = 1;
    }
    size_ = 0;
  }
  // The index stored for `key` for which same(index) holds, or, if none, stores and returns
  // `fresh` (and sets `added`).
  template <typename Same>
  [[gnu::always_inline]] uint32_t find_or_add(uint32_t key, uint32_t fresh, bool& added, Same&& same) {
    if (size_ * 2 >= table_.size()) [[unlikely]] grow();
    const size_t mask = table_.size() - 1;
    size_t i = (key * 2654435761u) & mask;
    while (table_[i].stamp == stamp_) {
      if (table_[i].key == key && same(table_[i].index)) {
        added = false;
        return table_[i].index;
      }
      i = (i + 1) & mask;
    }
    table_[i] = Entry{stamp_, key, fresh};
    ++size_;
    added = true;
    return fresh;
  }

 private:
  struct Entry {
    uint32_t stamp = 0;
    uint32_t key = 0;
    uint32_t index = 0;
  };
  void grow() {  // keeps the table at most half full
    std::vector<Entry> old;
    old.swap(table_);
    table_.assign(old.size() * 2, Entry{});
    const size_t mask = table_.size() - 1;
    for (const Entry& e : old) {
      if (e.stamp != stamp_) continue;
      size_t i = (e.key * 2654435761u) & mask;
      while (table_[i].stamp == stamp_) i = (i + 1) & mask;
      table_[i] = e;
    }
  }
  std::vector<Entry> table_;
  uint32_t stamp_ = 0;
  size_t size_ = 0;
};

// Reused per thread.
struct Scratch {
  Tokens tokens;
  std::vector<Feature> features;
  std::vector<Token> distinct;
  std::vector<double> dots;     // per distinct token, per output: c . w
  StampedIndex feature_index, token_index;
  double char_scale = 0;
  std::vector<std::pair<double, uint32_t>> ranked;
  std::vector<double> z, extra;
  WordCache words;

  uint32_t add(uint32_t bucket, const Origin& origin) {
    bool added = false;
    const uint32_t f = feature_index.find_or_add(bucket, static_cast<uint32_t>(features.size()), added,
                                                 [](uint32_t) { return true; });
    if (added) features.push_back(Feature{bucket, 1, origin, nullptr, 0, false});
    else ++features[f].count;
    return f;
  }
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Reads `text` into s.features (values already scaled), s.distinct with its dots, and s.z (raw
// scores per output): text_features::text_vector() . w, one word at a time.
void score(const TextModel::Impl& m, std::string_view text, Scratch& s) {
  text_features::normalize(text, s.tokens);
  s.features.clear();
  s.distinct.clear();
  s.dots.clear();
  const Tokens& t = s.tokens;
  const size_t n_tokens = t.size();
  s.feature_index.start(n_tokens * 2 + 1);
  s.token_index.start(n_tokens);
  const bool chars_on = text_features::has_char_features(m.params);
  const size_t outputs = m.outputs;
  uint32_t prev = text_features::kStartHash;
  for (size_t i = 0; i < n_tokens; ++i) {
    const std::string_view w = t.at(i);
    const auto ti = static_cast<uint32_t>(i);
    const uint32_t h = text_features::word_hash(w);
    const uint32_t word = s.add(text_features::word_bucket_of(h), Origin{text_features::Kind::word, ti});
    const uint32_t bigram = text_features::bigram_bucket(prev, h);
    // Fetched now, used after the loop: the model's table is too large for the cache.
    if (!m.slots.empty()) __builtin_prefetch(&m.slots[m.slot_of(bigram)]);
    s.add(bigram, Origin{text_features::Kind::bigram, ti});
    prev = h;
    if (t.special[i] || !chars_on) continue;
    bool added = false;
    const uint32_t d = s.token_index.find_or_add(h, static_cast<uint32_t>(s.distinct.size()), added,
                                                 [&](uint32_t k) { return t.at(s.distinct[k].first) == w; });
    if (!added) {
      ++s.distinct[d].count;
      continue;
    }
    const WordPart part = s.words.get(m, w, h);
    s.distinct.push_back(Token{ti, 1, word, part.squares, 0});
    Feature& f = s.features[word];
    if (!f.looked_up) {
      f.slot = part.word_slot;
      f.looked_up = true;
    }
    for (size_t k = 0; k < outputs; ++k) s.dots.push_back(part.dot(k));
  }
  if (n_tokens > 0)
    s.add(text_features::bigram_bucket(prev, text_features::kEndHash),
          Origin{text_features::Kind::bigram, static_cast<uint32_t>(n_tokens)});

  // The character view: per output, sum of (1 + ln k) c . w, scaled.
  s.z.assign(m.bias.begin(), m.bias.end());
  double squares = 0;
  for (Token& token : s.distinct) {
    token.weight = text_features::term_weight(token.count);
    squares += token.weight * token.weight * token.squares;
  }
  s.char_scale = squares > 0 ? m.char_weight / std::sqrt(squares) : 0.0;
  if (s.char_scale != 0)
    for (size_t d = 0; d < s.distinct.size(); ++d) {
      const double a = s.distinct[d].weight * s.char_scale;
      for (size_t k = 0; k < outputs; ++k) s.z[k] += a * s.dots[d * outputs + k];
    }

  // The word view: look up the rest, fetching the model's slots a few features ahead of use.
  double words = 0;  // squared length
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
    feature.value = text_features::term_weight(feature.count) * feature.slot->idf;
    words += feature.value * feature.value;
  }
  const double word_scale = words > 0 ? 1.0 / std::sqrt(words) : 0.0;
  for (Feature& f : s.features) {
    if (!f.slot) continue;
    f.value *= word_scale;
    if (outputs == 1) {
      s.z[0] += f.value * f.slot->w0;
    } else {
      const float* w = m.weights(*f.slot);
      for (size_t k = 0; k < outputs; ++k) s.z[k] += f.value * w[k];
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

// The `top` words and bigrams of the scored text that pushed most toward `label`, largest first
// (ties by bucket, so the order is stable); a word's push includes its character n-grams'.
// Only the winners get a name.
void top_contributions(const TextModel::Impl& m, Scratch& s, size_t label, size_t top, std::vector<Contribution>& out) {
  out.clear();
  if (label >= m.labels.size() || top == 0) return;
  const auto& features = s.features;
  // Each word's character part, toward `label`.
  s.extra.assign(features.size(), 0.0);
  const size_t outputs = m.outputs;
  for (size_t d = 0; d < s.distinct.size(); ++d) {
    const double dot = outputs == 1 ? (label == 1 ? s.dots[d] : -s.dots[d]) : s.dots[d * outputs + label];
    s.extra[s.distinct[d].feature] += s.char_scale * s.distinct[d].weight * dot;
  }
  // The best `top` so far, kept sorted: largest contribution first, ties by bucket.
  s.ranked.clear();
  const auto before = [&](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) {
    return a.first > b.first || (a.first == b.first && features[a.second].bucket < features[b.second].bucket);
  };
  for (uint32_t f = 0; f < features.size(); ++f) {
    const Feature& feature = features[f];
    double push = s.extra[f];
    if (feature.slot) {
      const double w = outputs == 1 ? (label == 1 ? feature.slot->w0 : -feature.slot->w0) : m.weights(*feature.slot)[label];
      push += feature.value * w;
    }
    const std::pair<double, uint32_t> candidate{push, f};
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
//   carewatch-text-model 3
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
  if (rest == "1" || rest == "2")
    return fail("this model is of version " + std::string(rest) +
                ", from an older carewatch; retrain it with this build's `carewatch train` (this build reads version " +
                std::to_string(kVersion) + ")");
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
  std::string text;
  if (!read_file(path, text, error)) return nullptr;  // "cannot read <path>: <reason>"
  auto model = load(text, error);
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
