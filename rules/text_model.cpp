// The trained text classifier: hashed word, word-bigram and character n-gram counts of
// normalised text, each scaled by its naive-Bayes log-count ratio, fed to L2-regularised
// logistic regression trained with AdaGrad (one model for two labels, one per label against the
// rest for more). The effective weight of each feature (ratio x coefficient) is all a model
// stores, so predicting needs no vocabulary: hash the text's features, look them up, add.
#include "rules/text_model.h"
#include "mention/utf8.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <unordered_map>

namespace carewatch {
extern const char* const kComplaintModel;  // embedded by rules/CMakeLists.txt
}

namespace carewatch::rules {

namespace {

constexpr std::string_view kMagic = "carewatch-text-model";
constexpr int kVersion = 1;
constexpr unsigned kBits = 20;
constexpr uint32_t kMask = (1u << kBits) - 1;

// Defaults chosen by 10-fold cross-validation on the complaint data (see scripts/measure-complaints).
constexpr int kDefaultEpochs = 12;
constexpr double kDefaultL2 = 1e-5;
constexpr int kDefaultCharMin = 1;
constexpr int kDefaultCharMax = 3;
constexpr double kCharWeight = 0.5;
constexpr double kLearningRate = 0.2;
constexpr int kDefaultMinDf = 2;
constexpr bool kDefaultNb = true;
constexpr bool kDefaultBalance = true;
constexpr double kNbAlpha = 1.0;

// ---------------------------------------------------------------------------------------------
// Text normalisation: lower-case words, "<user>" for @handles, "<url>" for links, "<num>" for
// numbers, letters repeated three or more times cut to two, emoticons and "!" / "?" as tokens.

struct Tokens {
  std::string buf;
  std::vector<std::pair<uint32_t, uint32_t>> spans;  // offset, length in buf
  std::vector<uint8_t> special;                      // 1: a placeholder token (no char n-grams)

  void clear() {
    buf.clear();
    spans.clear();
    special.clear();
  }
  size_t size() const { return spans.size(); }
  std::string_view at(size_t i) const {
    return std::string_view(buf).substr(spans[i].first, spans[i].second);
  }
  void push(std::string_view s, bool is_special) {
    spans.emplace_back(static_cast<uint32_t>(buf.size()), static_cast<uint32_t>(s.size()));
    buf.append(s);
    special.push_back(is_special ? 1 : 0);
  }
};

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_emoji(uint32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF);
}
bool is_unicode_punct(uint32_t cp) {
  return (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || cp == 0xA0 || cp == 0xAB ||
         cp == 0xBB || cp == 0xBF || cp == 0xA1 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D;
}

std::string_view emoticon(std::string_view chunk) {
  static const std::pair<std::string_view, std::string_view> kList[] = {
      {":)", "<smile>"}, {":-)", "<smile>"}, {":D", "<smile>"}, {":-D", "<smile>"}, {";)", "<smile>"},
      {";-)", "<smile>"}, {":]", "<smile>"}, {"=)", "<smile>"}, {":p", "<smile>"}, {":P", "<smile>"},
      {"xD", "<smile>"}, {"XD", "<smile>"}, {":(", "<sad>"}, {":-(", "<sad>"}, {":'(", "<sad>"},
      {":/", "<sad>"}, {":-/", "<sad>"}, {":\\", "<sad>"}, {":|", "<sad>"}, {"D:", "<sad>"},
      {">:(", "<sad>"}, {":[", "<sad>"}, {"=(", "<sad>"}, {"<3", "<heart>"}, {"</3", "<sad>"}};
  for (const auto& [face, token] : kList)
    if (chunk == face) return token;
  return {};
}

// Appends a finished word: lower-cased (ASCII), runs of 3+ equal bytes cut to 2, digits only
// becomes "<num>", apostrophes at the ends dropped.
void flush_word(std::string& word, Tokens& out) {
  size_t b = 0, e = word.size();
  while (b < e && word[b] == '\'') ++b;
  while (e > b && word[e - 1] == '\'') --e;
  if (b == e) {
    word.clear();
    return;
  }
  bool digits = true;
  const size_t at = out.buf.size();
  for (size_t i = b; i < e; ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!(c >= '0' && c <= '9') && c != '.' && c != ',') digits = false;
    const size_t n = out.buf.size() - at;
    if (n >= 2 && out.buf[at + n - 1] == c && out.buf[at + n - 2] == c && static_cast<unsigned char>(c) < 0x80)
      continue;
    out.buf.push_back(c);
  }
  word.clear();
  if (digits) {
    out.buf.resize(at);
    out.push("<num>", true);
  } else {
    out.spans.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(out.buf.size() - at));
    out.special.push_back(0);
  }
}

void normalize(std::string_view text, Tokens& out) {
  out.clear();
  std::string word;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (is_space(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && !is_space(static_cast<unsigned char>(text[j]))) ++j;
    std::string_view chunk = text.substr(i, j - i);
    i = j;
    auto starts = [&](std::string_view p) {
      if (chunk.size() < p.size()) return false;
      for (size_t k = 0; k < p.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(chunk[k])) != p[k]) return false;
      return true;
    };
    if (starts("http://") || starts("https://") || starts("www.")) {
      out.push("<url>", true);
      continue;
    }
    if (const auto face = emoticon(chunk); !face.empty()) {
      out.push(face, true);
      continue;
    }
    size_t k = 0;
    char run = 0;  // the '!' / '?' run being read
    size_t run_len = 0;
    auto end_run = [&]() {
      if (run_len) out.push(run == '!' ? (run_len > 1 ? "!!" : "!") : (run_len > 1 ? "??" : "?"), true);
      run_len = 0;
      run = 0;
    };
    while (k < chunk.size()) {
      const auto c = static_cast<unsigned char>(chunk[k]);
      if (c == '@' && word.empty() && k + 1 < chunk.size() &&
          (is_alnum(static_cast<unsigned char>(chunk[k + 1])) || chunk[k + 1] == '_')) {
        end_run();
        ++k;
        while (k < chunk.size() && (is_alnum(static_cast<unsigned char>(chunk[k])) || chunk[k] == '_')) ++k;
        out.push("<user>", true);
        continue;
      }
      if (c == '!' || c == '?') {
        if (!word.empty()) flush_word(word, out);
        if (run != static_cast<char>(c)) end_run();
        run = static_cast<char>(c);
        ++run_len;
        ++k;
        continue;
      }
      end_run();
      if (is_alnum(c) || c == '\'' || ((c == '.' || c == ',') && !word.empty() && k + 1 < chunk.size() &&
                                        std::isdigit(static_cast<unsigned char>(chunk[k + 1])) &&
                                        std::isdigit(static_cast<unsigned char>(word.back())))) {
        word.push_back(static_cast<char>(c));
        ++k;
        continue;
      }
      if (c < 0x80) {  // other ASCII punctuation separates words ('#', '&', ...)
        if (!word.empty()) flush_word(word, out);
        ++k;
        continue;
      }
      char32_t cp = 0;
      const size_t len = decode_utf8(chunk, k, cp);
      if (len == 0) {  // invalid byte: a separator
        if (!word.empty()) flush_word(word, out);
        ++k;
        continue;
      }
      if (cp == 0x2019 || cp == 0x2018) {  // typographic apostrophe
        word.push_back('\'');
      } else if (is_emoji(cp)) {
        if (!word.empty()) flush_word(word, out);
        out.push(chunk.substr(k, len), false);
      } else if (is_unicode_punct(cp)) {
        if (!word.empty()) flush_word(word, out);
      } else {
        word.append(chunk.substr(k, len));
      }
      k += len;
    }
    if (!word.empty()) flush_word(word, out);
    end_run();
  }
}

// ---------------------------------------------------------------------------------------------
// Feature hashing. Each feature is a kind byte plus text, hashed with 32-bit FNV-1a.

constexpr uint32_t kFnvBasis = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;

inline uint32_t fnv(uint32_t h, std::string_view s) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}
inline uint32_t fnv(uint32_t h, char c) {
  h ^= static_cast<unsigned char>(c);
  return h * kFnvPrime;
}
// Character n-grams hash into the upper half of the buckets, words and bigrams into the lower
// half, so the two views can be scaled separately without knowing a bucket's name.
constexpr uint32_t kCharBit = 1u << (kBits - 1);
inline uint32_t finish(uint32_t h, bool chars = false) {  // spread the bits before masking
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  return (h & (kMask >> 1)) | (chars ? kCharBit : 0u);
}

struct FeatureParams {
  int char_min = kDefaultCharMin;
  int char_max = kDefaultCharMax;
  double char_weight = kCharWeight;  // the character view's scale relative to the word view
};

// Per-feature scale of a text with these buckets (one per occurrence): each view (words and
// bigrams; character n-grams) is divided by the square root of its own feature count.
struct ViewScale {
  double word = 0, chars = 0;
  ViewScale(const std::vector<uint32_t>& all, const FeatureParams& p) {
    size_t split = 0;  // the number of word and bigram features
    for (const uint32_t b : all) split += (b & kCharBit) == 0;
    const auto n_chars = static_cast<double>(all.size()) - static_cast<double>(split);
    if (split > 0) word = 1.0 / std::sqrt(static_cast<double>(split));
    if (n_chars > 0) chars = p.char_weight / std::sqrt(n_chars);
  }
  double of(uint32_t bucket) const { return bucket & kCharBit ? chars : word; }
};

enum class Kind { word, bigram, chars };

// Calls emit(bucket, kind, a, b) for every feature of the tokens (with duplicates): for words
// a is the word, for bigrams a and b, for character n-grams a is the n-gram (spaces mark word
// ends).
template <typename Emit>
void features(const Tokens& t, const FeatureParams& p, Emit&& emit) {
  const size_t n = t.size();
  std::string padded;
  std::vector<uint32_t> starts;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view w = t.at(i);
    emit(finish(fnv(fnv(kFnvBasis, 'w'), w)), Kind::word, w, std::string_view());
    const std::string_view prev = i == 0 ? std::string_view("<s>") : t.at(i - 1);
    emit(finish(fnv(fnv(fnv(fnv(kFnvBasis, 'b'), prev), '\x01'), w)), Kind::bigram, prev, w);
    if (t.special[i] || p.char_max < p.char_min || p.char_max <= 0) continue;
    padded.assign(" ");
    padded.append(w);
    padded.push_back(' ');
    const size_t cmax = static_cast<size_t>(p.char_max), cmin = static_cast<size_t>(p.char_min);
    if (std::all_of(w.begin(), w.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
      const size_t len_all = padded.size();
      for (size_t s = 0; s < len_all; ++s) {
        uint32_t h = fnv(kFnvBasis, 'c');
        for (size_t len = 1; len <= cmax && s + len <= len_all; ++len) {
          h = fnv(h, padded[s + len - 1]);
          if (len >= cmin && !(len == 1 && padded[s] == ' '))
            emit(finish(h, true), Kind::chars, std::string_view(padded).substr(s, len), std::string_view());
        }
      }
      continue;
    }
    starts.clear();
    for (size_t k = 0; k < padded.size();) {
      starts.push_back(static_cast<uint32_t>(k));
      char32_t cp = 0;
      const size_t len = decode_utf8(padded, k, cp);
      k += len == 0 ? 1 : len;
    }
    starts.push_back(static_cast<uint32_t>(padded.size()));
    const size_t cps = starts.size() - 1;
    for (size_t s = 0; s < cps; ++s) {
      uint32_t h = fnv(kFnvBasis, 'c');
      for (size_t len = 1; len <= cmax && s + len <= cps; ++len) {
        h = fnv(h, std::string_view(padded).substr(starts[s + len - 1], starts[s + len] - starts[s + len - 1]));
        if (len >= cmin) {
          const std::string_view gram = std::string_view(padded).substr(starts[s], starts[s + len] - starts[s]);
          if (gram.size() == 1 && gram[0] == ' ') continue;
          emit(finish(h, true), Kind::chars, gram, std::string_view());
        }
      }
    }
  }
  if (n > 0) {
    const std::string_view last = t.at(n - 1);
    emit(finish(fnv(fnv(fnv(fnv(kFnvBasis, 'b'), last), '\x01'), std::string_view("</s>"))), Kind::bigram, last,
         std::string_view("</s>"));
  }
}

// The buckets of a text's features, one per occurrence (a feature's value is its count).
void buckets(std::string_view text, const FeatureParams& p, Tokens& scratch, std::vector<uint32_t>& out) {
  normalize(text, scratch);
  out.clear();
  features(scratch, p, [&](uint32_t b, Kind, std::string_view, std::string_view) { out.push_back(b); });
}

std::string feature_name(Kind kind, std::string_view a, std::string_view b) {
  switch (kind) {
    case Kind::word:
      return "word:" + std::string(a);
    case Kind::bigram:
      return "bigram:" + std::string(a) + " " + std::string(b);
    case Kind::chars: {
      std::string s = "char:" + std::string(a);
      std::replace(s.begin() + 5, s.end(), ' ', '_');
      return s;
    }
  }
  return std::string(a);
}

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// Rounds to what the model file keeps (5 significant digits), so a saved and loaded model
// predicts exactly as the trained one.
float keep(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v), std::chars_format::general, 5);
  float f = 0;
  std::from_chars(buf, r.ptr, f);
  return f;
}
void put(std::string& s, float v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 5);
  s.append(buf, r.ptr);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct TextModel::Impl {
  std::vector<std::string> labels;
  FeatureParams params;
  size_t outputs = 1;          // 1 for two labels (score of labels[1]), else one per label
  std::vector<float> bias;     // [outputs]
  std::vector<float> weights;  // [row * outputs + k]
  // Open-addressing table bucket -> row; slot key is bucket + 1 (0: empty).
  std::vector<uint32_t> slot_key;
  std::vector<uint32_t> slot_row;
  std::vector<uint32_t> row_bucket;  // row -> bucket, for saving

  void build_table() {
    size_t cap = 16;
    while (cap < row_bucket.size() * 2 + 1) cap <<= 1;
    slot_key.assign(cap, 0);
    slot_row.assign(cap, 0);
    for (uint32_t r = 0; r < row_bucket.size(); ++r) {
      size_t s = (row_bucket[r] * 2654435761u) & (cap - 1);
      while (slot_key[s] != 0) s = (s + 1) & (cap - 1);
      slot_key[s] = row_bucket[r] + 1;
      slot_row[s] = r;
    }
  }
  const float* row(uint32_t bucket) const {
    if (slot_key.empty()) return nullptr;
    const size_t mask = slot_key.size() - 1;
    size_t s = (bucket * 2654435761u) & mask;
    while (true) {
      const uint32_t k = slot_key[s];
      if (k == 0) return nullptr;
      if (k == bucket + 1) return &weights[static_cast<size_t>(slot_row[s]) * outputs];
      s = (s + 1) & mask;
    }
  }
  // Raw scores (one per output) of a text's distinct buckets.
  void scores(const std::vector<uint32_t>& bs, std::vector<double>& z) const {
    z.assign(bias.begin(), bias.end());
    if (bs.empty()) return;
    const ViewScale scale(bs, params);
    for (const uint32_t b : bs) {
      const float* w = row(b);
      if (!w) continue;
      const double s = scale.of(b);
      for (size_t k = 0; k < outputs; ++k) z[k] += s * w[k];
    }
  }
  std::vector<double> probabilities(const std::vector<double>& z) const {
    std::vector<double> p(labels.size());
    if (outputs == 1) {
      p[1] = sigmoid(z[0]);
      p[0] = 1.0 - p[1];
      return p;
    }
    double sum = 0;
    for (size_t k = 0; k < outputs; ++k) sum += p[k] = sigmoid(z[k]);
    if (!(sum > 0)) {
      std::fill(p.begin(), p.end(), 1.0 / static_cast<double>(p.size()));
      return p;
    }
    for (auto& v : p) v /= sum;
    return p;
  }
};

TextModel::TextModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TextModel::~TextModel() = default;

const std::vector<std::string>& TextModel::labels() const { return impl_->labels; }

std::optional<size_t> TextModel::label_index(std::string_view label) const {
  for (size_t i = 0; i < impl_->labels.size(); ++i)
    if (impl_->labels[i] == label) return i;
  return std::nullopt;
}

namespace {

// The `top` features of a text (its tokens and their buckets, one per occurrence) that pushed
// most toward `label`. Scores every bucket first (no strings built), then names only the winners
// with a second pass over the features: explanations ride along with every decision.
std::vector<Contribution> top_contributions(const TextModel::Impl& m, const Tokens& tokens,
                                            const std::vector<uint32_t>& all, size_t label, size_t top) {
  std::vector<Contribution> out;
  if (label >= m.labels.size() || top == 0 || all.empty()) return out;
  thread_local std::vector<std::pair<double, uint32_t>> ranked;
  const ViewScale scale(all, m.params);
  // Occurrences per distinct bucket, in a reused open-addressing table (no sort, no allocation
  // once warm): slot keys hold bucket + 1, stamped per call so the table is never cleared.
  thread_local std::vector<uint32_t> keys, counts, stamps;
  thread_local uint32_t stamp = 0;
  size_t cap = 64;
  while (cap < all.size() * 2) cap <<= 1;
  if (keys.size() < cap) {
    keys.assign(cap, 0);
    counts.assign(cap, 0);
    stamps.assign(cap, 0);
  } else {
    cap = keys.size();
  }
  if (++stamp == 0) {  // wrapped: forget every old stamp
    std::fill(stamps.begin(), stamps.end(), 0);
    stamp = 1;
  }
  const size_t mask = cap - 1;
  ranked.clear();
  for (const uint32_t b : all) {
    size_t i = (b * 2654435761u) & mask;
    while (stamps[i] == stamp && keys[i] != b + 1) i = (i + 1) & mask;
    if (stamps[i] != stamp) {
      stamps[i] = stamp;
      keys[i] = b + 1;
      counts[i] = 0;
      ranked.emplace_back(0.0, b);
    }
    ++counts[i];
  }
  size_t kept = 0;
  for (auto& [v, bucket] : ranked) {
    const float* w = m.row(bucket);
    if (!w) continue;
    size_t i = (bucket * 2654435761u) & mask;
    while (keys[i] != bucket + 1) i = (i + 1) & mask;
    const double sc = scale.of(bucket) * static_cast<double>(counts[i]);
    const double c = m.outputs == 1 ? (label == 1 ? sc * w[0] : -sc * w[0]) : sc * w[label];
    if (c > 0) ranked[kept++] = {c, bucket};
  }
  ranked.resize(kept);
  if (ranked.empty()) return out;
  // Largest first; ties by bucket so the order is stable.
  const size_t keep = std::min(top, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  ranked.resize(keep);
  std::vector<std::string> names(keep);
  size_t named = 0;
  features(tokens, m.params, [&](uint32_t b, Kind kind, std::string_view a, std::string_view c) {
    if (named == keep) return;
    for (size_t i = 0; i < keep; ++i)
      if (ranked[i].second == b && names[i].empty()) {
        names[i] = feature_name(kind, a, c);
        ++named;
      }
  });
  for (size_t i = 0; i < keep; ++i) out.push_back({std::move(names[i]), ranked[i].first});
  return out;
}

}  // namespace

std::vector<double> TextModel::predict(std::string_view text) const {
  thread_local Tokens tokens;
  thread_local std::vector<uint32_t> bs;
  thread_local std::vector<double> z;
  buckets(text, impl_->params, tokens, bs);
  impl_->scores(bs, z);
  return impl_->probabilities(z);
}

std::vector<double> TextModel::predict(std::string_view text, size_t label, size_t top,
                                       std::vector<Contribution>& why) const {
  thread_local Tokens tokens;
  thread_local std::vector<uint32_t> bs;
  thread_local std::vector<double> z;
  buckets(text, impl_->params, tokens, bs);
  impl_->scores(bs, z);
  why = top_contributions(*impl_, tokens, bs, label, top);
  return impl_->probabilities(z);
}

std::vector<Contribution> TextModel::explain(std::string_view text, size_t label, size_t top) const {
  thread_local Tokens tokens;
  thread_local std::vector<uint32_t> all;
  buckets(text, impl_->params, tokens, all);
  return top_contributions(*impl_, tokens, all, label, top);
}

// ---------------------------------------------------------------------------------------------
// Training.

std::shared_ptr<const TextModel> TextModel::train(const std::vector<Example>& examples, const TrainOptions& options,
                                                  std::string& error) {
  const int epochs = options.epochs > 0 ? options.epochs : kDefaultEpochs;
  const double l2 = options.l2 >= 0 ? options.l2 : kDefaultL2;
  const int min_df = options.min_df > 0 ? options.min_df : kDefaultMinDf;
  const bool use_nb = options.nb < 0 ? kDefaultNb : options.nb != 0;
  const bool balance = options.balance < 0 ? kDefaultBalance : options.balance != 0;
  auto impl = std::make_unique<Impl>();
  impl->params.char_min = options.char_min > 0 ? options.char_min : kDefaultCharMin;
  impl->params.char_max = options.char_max > 0 ? options.char_max : kDefaultCharMax;
  if (impl->params.char_max < impl->params.char_min) impl->params.char_max = 0;

  for (const auto& e : examples) {
    if (e.label.empty()) {
      error = "an example has an empty label";
      return nullptr;
    }
    if (e.label.find_first_of("\r\n") != std::string::npos) {
      error = "label \"" + e.label + "\" contains a line break";
      return nullptr;
    }
    impl->labels.push_back(e.label);
  }
  std::sort(impl->labels.begin(), impl->labels.end());
  impl->labels.erase(std::unique(impl->labels.begin(), impl->labels.end()), impl->labels.end());
  if (impl->labels.size() < 2) {
    error = impl->labels.empty() ? "no examples to train on"
                                 : "all examples have the label \"" + impl->labels[0] +
                                       "\": training needs at least two different labels";
    return nullptr;
  }
  const size_t n_labels = impl->labels.size();
  impl->outputs = n_labels == 2 ? 1 : n_labels;
  const size_t outputs = impl->outputs;

  // Features per example, and document frequencies.
  const size_t n = examples.size();
  std::vector<std::vector<uint32_t>> docs(n);
  std::vector<uint32_t> y(n);
  std::vector<std::vector<float>> doc_scale(n);
  std::unordered_map<uint32_t, uint32_t> df;  // examples per bucket
  std::vector<uint32_t> distinct;
  Tokens tokens;
  for (size_t i = 0; i < n; ++i) {
    buckets(examples[i].text, impl->params, tokens, docs[i]);
    distinct.assign(docs[i].begin(), docs[i].end());
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (const uint32_t b : distinct) ++df[b];
    y[i] = static_cast<uint32_t>(std::lower_bound(impl->labels.begin(), impl->labels.end(), examples[i].label) -
                                 impl->labels.begin());
  }
  // Kept features get dense indices in bucket order (deterministic).
  std::vector<uint32_t> kept;
  for (const auto& [b, count] : df)
    if (count >= static_cast<uint32_t>(min_df)) kept.push_back(b);
  std::sort(kept.begin(), kept.end());
  std::unordered_map<uint32_t, uint32_t> index;
  index.reserve(kept.size());
  for (uint32_t r = 0; r < kept.size(); ++r) index.emplace(kept[r], r);
  std::vector<std::vector<uint32_t>> x(n);
  for (size_t i = 0; i < n; ++i) {
    const ViewScale scale(docs[i], impl->params);
    for (const uint32_t b : docs[i]) {
      if (auto it = index.find(b); it != index.end()) {
        x[i].push_back(it->second);
        doc_scale[i].push_back(static_cast<float>(scale.of(b)));
      }
    }
  }
  docs.clear();
  const size_t d = kept.size();

  std::vector<size_t> count(n_labels, 0);
  for (const auto label : y) ++count[label];

  std::vector<float> weights(d * outputs, 0.0f);
  impl->bias.assign(outputs, 0.0f);
  std::mt19937 rng(options.seed);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);

  for (size_t k = 0; k < outputs; ++k) {
    const uint32_t positive = outputs == 1 ? 1 : static_cast<uint32_t>(k);
    // Naive-Bayes log-count ratios.
    std::vector<double> r(d, 1.0);
    if (use_nb) {
      std::vector<double> pos(d, kNbAlpha), neg(d, kNbAlpha);
      for (size_t i = 0; i < n; ++i)
        for (const uint32_t j : x[i]) (y[i] == positive ? pos : neg)[j] += 1.0;
      const double pos_sum = std::accumulate(pos.begin(), pos.end(), 0.0);
      const double neg_sum = std::accumulate(neg.begin(), neg.end(), 0.0);
      for (size_t j = 0; j < d; ++j) r[j] = std::log((pos[j] / pos_sum) / (neg[j] / neg_sum));
    }
    const double n_pos = static_cast<double>(count[positive]);
    const double n_neg = static_cast<double>(n) - n_pos;
    const double w_pos = balance && n_pos > 0 ? static_cast<double>(n) / (2.0 * n_pos) : 1.0;
    const double w_neg = balance && n_neg > 0 ? static_cast<double>(n) / (2.0 * n_neg) : 1.0;

    std::vector<double> w(d, 0.0), g2(d, 1e-8);
    double b = 0, gb2 = 1e-8;
    for (int epoch = 0; epoch < epochs; ++epoch) {
      std::shuffle(order.begin(), order.end(), rng);
      for (const size_t i : order) {
        const std::vector<float>& s = doc_scale[i];
        const std::vector<uint32_t>& xi = x[i];
        double z = b;
        for (size_t t = 0; t < xi.size(); ++t) z += w[xi[t]] * r[xi[t]] * s[t];
        const bool is_pos = y[i] == positive;
        const double g = (sigmoid(z) - (is_pos ? 1.0 : 0.0)) * (is_pos ? w_pos : w_neg);
        for (size_t t = 0; t < xi.size(); ++t) {
          const uint32_t j = xi[t];
          const double grad = g * r[j] * s[t] + l2 * w[j];
          g2[j] += grad * grad;
          w[j] -= kLearningRate * grad / std::sqrt(g2[j]);
        }
        gb2 += g * g;
        b -= kLearningRate * g / std::sqrt(gb2);
      }
    }
    for (size_t j = 0; j < d; ++j) weights[j * outputs + k] = keep(w[j] * r[j]);
    impl->bias[k] = keep(b);
  }

  // Keep only rows with a non-zero weight.
  for (size_t j = 0; j < d; ++j) {
    bool any = false;
    for (size_t k = 0; k < outputs; ++k) any = any || weights[j * outputs + k] != 0.0f;
    if (!any) continue;
    impl->row_bucket.push_back(kept[j]);
    impl->weights.insert(impl->weights.end(), weights.begin() + static_cast<std::ptrdiff_t>(j * outputs),
                         weights.begin() + static_cast<std::ptrdiff_t>((j + 1) * outputs));
  }
  impl->build_table();
  return std::make_shared<const TextModel>(std::move(impl));
}

// ---------------------------------------------------------------------------------------------
// The model file (text):
//   carewatch-text-model 1
//   features char=1-3 char_weight=0.5
//   labels N            then N lines "label <name>"
//   outputs K
//   bias <K numbers>
//   weights M           then M lines "<bucket hex> <K numbers>"
//   end

std::string TextModel::save() const {
  const Impl& m = *impl_;
  std::string s;
  s.reserve(64 + m.row_bucket.size() * (8 + 9 * m.outputs));
  s.append(kMagic).append(" ").append(std::to_string(kVersion)).append("\n");
  s.append("features char=")
      .append(std::to_string(m.params.char_min))
      .append("-")
      .append(std::to_string(m.params.char_max))
      .append(" char_weight=");
  put(s, static_cast<float>(m.params.char_weight));
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
    for (size_t k = 0; k < m.outputs; ++k) {
      s.push_back(' ');
      put(s, m.weights[r * m.outputs + k]);
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
    impl->params.char_weight = cw;
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
  if (!expect("weights", rest) || !parse_size(rest, rows) || rows > (size_t{1} << kBits))
    return fail("expected \"weights M\"");
  impl->row_bucket.resize(rows);
  impl->weights.resize(rows * outputs);
  std::vector<uint8_t> seen(size_t{1} << kBits, 0);
  for (size_t r = 0; r < rows; ++r) {
    if (!in.next(line)) return fail("model ends after " + std::to_string(r) + " of " + std::to_string(rows) + " weights");
    const size_t sp = line.find(' ');
    uint32_t bucket = 0;
    const auto res = std::from_chars(line.data(), line.data() + std::min(sp, line.size()), bucket, 16);
    if (sp == std::string_view::npos || res.ec != std::errc() || res.ptr != line.data() + sp || bucket > kMask)
      return fail("bad weight line (expected \"<bucket hex> <weights>\")");
    if (seen[bucket]) return fail("bucket " + std::string(line.substr(0, sp)) + " appears twice");
    seen[bucket] = 1;
    impl->row_bucket[r] = bucket;
    if (!parse_floats(line.substr(sp + 1), outputs, &impl->weights[r * outputs]))
      return fail("bad weight line (expected " + std::to_string(outputs) + " numbers)");
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

std::vector<size_t> stratified_folds(const std::vector<Example>& examples, size_t folds, unsigned seed) {
  std::vector<size_t> fold(examples.size(), 0);
  if (folds < 2) return fold;
  std::map<std::string, std::vector<size_t>> by_label;
  for (size_t i = 0; i < examples.size(); ++i) by_label[examples[i].label].push_back(i);
  std::mt19937 rng(seed);
  size_t next = 0;
  for (auto& [label, rows] : by_label) {
    std::shuffle(rows.begin(), rows.end(), rng);
    for (const size_t i : rows) fold[i] = next++ % folds;
  }
  return fold;
}

Evaluation evaluate(const std::vector<size_t>& truth, const std::vector<size_t>& predicted, size_t n_labels) {
  Evaluation e;
  e.confusion.assign(n_labels, std::vector<size_t>(n_labels, 0));
  e.precision.assign(n_labels, 0);
  e.recall.assign(n_labels, 0);
  e.f1.assign(n_labels, 0);
  e.support.assign(n_labels, 0);
  size_t correct = 0, total = 0;
  for (size_t i = 0; i < truth.size() && i < predicted.size(); ++i) {
    if (truth[i] >= n_labels || predicted[i] >= n_labels) continue;
    ++e.confusion[truth[i]][predicted[i]];
    ++e.support[truth[i]];
    correct += truth[i] == predicted[i];
    ++total;
  }
  e.accuracy = total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
  double f1_sum = 0;
  size_t counted = 0;
  for (size_t k = 0; k < n_labels; ++k) {
    size_t predicted_k = 0;
    for (size_t t = 0; t < n_labels; ++t) predicted_k += e.confusion[t][k];
    const double tp = static_cast<double>(e.confusion[k][k]);
    if (predicted_k) e.precision[k] = tp / static_cast<double>(predicted_k);
    if (e.support[k]) e.recall[k] = tp / static_cast<double>(e.support[k]);
    if (e.precision[k] + e.recall[k] > 0) e.f1[k] = 2 * e.precision[k] * e.recall[k] / (e.precision[k] + e.recall[k]);
    if (e.support[k] || predicted_k) {
      f1_sum += e.f1[k];
      ++counted;
    }
  }
  e.macro_f1 = counted ? f1_sum / static_cast<double>(counted) : 0.0;
  return e;
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
