#include "rules/rule_parser.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "rules/text_model.h"

namespace carewatch::rules {

namespace {

using Value = rapidjson::Value;

// Thrown inside the parser only; parse_rules turns it into its error string.
struct LoadError {
  std::string path;     // e.g. "when.all[0].keywords[2]"
  std::string message;
};

[[noreturn]] void fail(const std::string& path, std::string message) {
  throw LoadError{path, std::move(message)};
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// A JSON value as text for error messages, shortened.
std::string show(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  std::string s(sb.GetString(), sb.GetSize());
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string_view str(const Value& v) { return std::string_view(v.GetString(), v.GetStringLength()); }

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void check_keys(const Value& obj, const std::string& path,
                std::initializer_list<std::string_view> allowed) {
  for (const auto& m : obj.GetObject()) {
    const std::string_view key = str(m.name);
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(join(path, key), "unknown key (expected one of: " + list + ")");
  }
}

// A string, or a non-empty array of strings. Calls fn(value, path of the element).
template <typename Fn>
void for_each_string(const Value& v, const std::string& path, Fn&& fn) {
  if (v.IsString()) {
    fn(str(v), path);
    return;
  }
  if (!v.IsArray() || v.Empty()) fail(path, "expected a string or a non-empty array of strings, got " + show(v));
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    if (!v[i].IsString()) fail(at(path, i), "expected a string, got " + show(v[i]));
    fn(str(v[i]), at(path, i));
  }
}

constexpr std::string_view kActionCategories = "complaint, question, praise, engagement, spam or ignore";

Category parse_category(const Value& v, const std::string& path, bool allow_unknown) {
  if (!v.IsString()) fail(path, "expected a category name, got " + show(v));
  auto c = category_from_string(std::string(str(v)));
  if (!c || (!allow_unknown && *c == Category::unknown))
    fail(path, "unknown category " + quoted(str(v)) + " (expected " +
                   (allow_unknown ? "unknown, " : "") + std::string(kActionCategories) + ")");
  return *c;
}

int parse_priority(const Value& v, const std::string& path) {
  if (v.IsInt() && v.GetInt() >= 0 && v.GetInt() <= 3) return v.GetInt();
  if (v.IsString()) {
    const std::string s = ascii_lower(str(v));
    if (s.size() == 2 && s[0] == 'p' && s[1] >= '0' && s[1] <= '3') return s[1] - '0';
  }
  fail(path, "expected 0..3 or \"p0\"..\"p3\", got " + show(v));
}

// Queue names become part of Redis keys: keep them to a safe alphabet.
std::string parse_queue(const Value& v, const std::string& path) {
  if (!v.IsString()) fail(path, "expected a queue name (\"\" for no queue), got " + show(v));
  const std::string_view q = str(v);
  if (!q.empty() && !is_queue_name(q)) fail(path, quoted(q) + " is not a queue name (at most 64 letters, digits, '-', '_', '.')");
  return std::string(q);
}

struct OpName {
  std::string_view name;
  CompareOp op;
};
constexpr std::array<OpName, 6> kOps = {{{"eq", CompareOp::eq},
                                         {"ne", CompareOp::ne},
                                         {"gt", CompareOp::gt},
                                         {"gte", CompareOp::gte},
                                         {"lt", CompareOp::lt},
                                         {"lte", CompareOp::lte}}};

const OpName* find_op(std::string_view key) {
  for (const auto& o : kOps)
    if (o.name == key) return &o;
  return nullptr;
}

class Parser {
 public:
  Parser(TextMatcher& matcher, const std::vector<std::string>& model_fields)
      : matcher_(matcher), model_fields_(model_fields) {}

  Condition condition(const Value& v, const std::string& path) {
    if (!v.IsObject()) fail(path, "expected a condition object, got " + show(v));
    if (depth_ >= kMaxDepth)
      fail(path, "conditions nested too deeply (at most " + std::to_string(kMaxDepth) + " levels)");
    ++depth_;
    Condition c = object_condition(v, path);
    --depth_;
    return c;
  }

 private:
  static constexpr int kMaxDepth = 32;

  Condition object_condition(const Value& v, const std::string& path) {
    std::vector<Condition> parts;
    const bool has_field = v.HasMember("field");
    for (const auto& m : v.GetObject()) {
      const std::string_view key = str(m.name);
      const std::string p = join(path, key);
      if (key == "keywords" || key == "phrases" || key == "regex") {
        parts.push_back(text(key, m.value, p));
      } else if (key == "platform" || key == "language" || key == "source") {
        Condition c;
        c.kind = key == "platform" ? Condition::Kind::platform
                 : key == "language" ? Condition::Kind::language
                                     : Condition::Kind::source;
        for_each_string(m.value, p, [&](std::string_view s, const std::string& ep) {
          if (s.empty()) fail(ep, "expected a non-empty string");
          c.values.push_back(ascii_lower(s));
        });
        parts.push_back(std::move(c));
      } else if (key == "category") {
        Condition c;
        c.kind = Condition::Kind::category;
        if (m.value.IsArray() && !m.value.Empty()) {
          for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i)
            c.categories |= 1u << static_cast<unsigned>(parse_category(m.value[i], at(p, i), true));
        } else if (m.value.IsString()) {
          c.categories |= 1u << static_cast<unsigned>(parse_category(m.value, p, true));
        } else {
          fail(p, "expected a category name or a non-empty array of them, got " + show(m.value));
        }
        parts.push_back(std::move(c));
      } else if (key == "category_by_rule") {
        if (!m.value.IsBool()) fail(p, "expected true or false, got " + show(m.value));
        Condition c;
        c.kind = Condition::Kind::category_by_rule;
        c.flag = m.value.GetBool();
        parts.push_back(std::move(c));
      } else if (key == "field") {
        parts.push_back(field(v, path));
      } else if (find_op(key)) {
        if (!has_field) fail(p, "a comparison needs a \"field\" next to it");
      } else if (key == "all" || key == "any") {
        if (!m.value.IsArray() || m.value.Empty())
          fail(p, "expected a non-empty array of conditions, got " + show(m.value));
        Condition c;
        c.kind = key == "all" ? Condition::Kind::all : Condition::Kind::any;
        for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i)
          c.children.push_back(condition(m.value[i], at(p, i)));
        parts.push_back(std::move(c));
      } else if (key == "not") {
        Condition c;
        c.kind = Condition::Kind::negate;
        c.children.push_back(condition(m.value, p));
        parts.push_back(std::move(c));
      } else {
        fail(p,
             "unknown key (expected one of: keywords, phrases, regex, platform, language, source, "
             "category, category_by_rule, field, all, any, not)");
      }
    }
    if (parts.empty()) return Condition{};  // {}: always holds
    if (parts.size() == 1) return std::move(parts.front());
    Condition all;
    all.kind = Condition::Kind::all;
    all.children = std::move(parts);
    return all;
  }

  Condition text(std::string_view key, const Value& v, const std::string& path) {
    Condition c;
    c.kind = Condition::Kind::text;
    c.slot = matcher_.new_slot();
    for_each_string(v, path, [&](std::string_view s, const std::string& ep) {
      std::string error;
      if (key == "keywords") {
        if (!matcher_.add_keyword(c.slot, s, error)) fail(ep, "keyword " + quoted(s) + " " + error);
      } else if (key == "phrases") {
        if (!matcher_.add_phrase(c.slot, s, error)) fail(ep, "phrase " + quoted(s) + " " + error);
      } else if (!matcher_.add_regex(c.slot, std::string(s), error)) {
        fail(ep, "invalid regex " + quoted(s) + ": " + error);
      }
    });
    return c;
  }

  // {"field": "author.followers", "gte": 10000, "lt": 50000}: every comparison must hold.
  Condition field(const Value& obj, const std::string& path) {
    const Value& name = obj["field"];
    const std::string p = join(path, "field");
    if (!name.IsString()) fail(p, "expected a field name, got " + show(name));
    auto f = find_field(str(name), model_fields_);
    if (!f) fail(p, "unknown field " + quoted(str(name)) + " (known: " + field_names(model_fields_) + ")");
    const FieldSpec spec = field_spec(*f, model_fields_);
    Condition c;
    c.kind = Condition::Kind::field;
    c.field = *f;
    for (const auto& m : obj.GetObject()) {
      const OpName* op = find_op(str(m.name));
      if (!op) continue;
      const std::string op_path = join(path, op->name);
      if (spec.type == FieldType::boolean) {
        if (op->op != CompareOp::eq && op->op != CompareOp::ne)
          fail(op_path, quoted(spec.name) + " is true or false: compare it with eq or ne");
        if (!m.value.IsBool()) fail(op_path, "expected true or false, got " + show(m.value));
        c.comparisons.push_back({op->op, m.value.GetBool() ? 1.0 : 0.0});
      } else {
        if (!m.value.IsNumber() || !std::isfinite(m.value.GetDouble()))
          fail(op_path, "expected a number, got " + show(m.value));
        c.comparisons.push_back({op->op, m.value.GetDouble()});
      }
    }
    if (c.comparisons.empty())
      fail(p, "a field condition needs one of eq, ne, gt, gte, lt, lte next to \"field\"");
    return c;
  }

  TextMatcher& matcher_;
  const std::vector<std::string>& model_fields_;
  int depth_ = 0;
};

Actions parse_actions(const Value& v, const std::string& path) {
  if (!v.IsObject()) fail(path, "expected an object of actions, got " + show(v));
  check_keys(v, path, {"category", "priority", "queue", "tags", "escalate", "stop"});
  Actions a;
  for (const auto& m : v.GetObject()) {
    const std::string_view key = str(m.name);
    const std::string p = join(path, key);
    if (key == "category") {
      a.category = parse_category(m.value, p, false);
    } else if (key == "priority") {
      a.priority = parse_priority(m.value, p);
    } else if (key == "queue") {
      a.queue = parse_queue(m.value, p);
    } else if (key == "tags") {
      if (!m.value.IsArray()) fail(p, "expected an array of strings, got " + show(m.value));
      for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i) {
        const Value& t = m.value[i];
        if (!t.IsString() || t.GetStringLength() == 0)
          fail(at(p, i), "expected a non-empty string, got " + show(t));
        std::string tag(str(t));
        if (std::find(a.tags.begin(), a.tags.end(), tag) == a.tags.end()) a.tags.push_back(std::move(tag));
      }
    } else if (key == "escalate") {
      if (!m.value.IsInt() || m.value.GetInt() < 1 || m.value.GetInt() > 3)
        fail(p, "expected a number of levels 1..3, got " + show(m.value));
      a.escalate = m.value.GetInt();
    } else if (key == "stop") {
      if (!m.value.IsBool()) fail(p, "expected true or false, got " + show(m.value));
      a.stop = m.value.GetBool();
    }
  }
  return a;
}

void parse_defaults(const Value& v, CompiledRules& out) {
  const std::string path = "default";
  Decision& d = out.defaults;
  if (!v.IsObject()) fail(path, "expected an object, got " + show(v));
  check_keys(v, path, {"category", "priority", "queue"});
  for (const auto& m : v.GetObject()) {
    const std::string_view key = str(m.name);
    const std::string p = join(path, key);
    if (key == "category" && m.value.IsString() && str(m.value) == "auto") out.auto_category = true;
    else if (key == "category" && m.value.IsString() && !category_from_string(std::string(str(m.value))))
      fail(p, "unknown category " + quoted(str(m.value)) + " (expected auto, unknown, " +
                  std::string(kActionCategories) + ")");
    else if (key == "category") d.category = parse_category(m.value, p, true);
    else if (key == "priority") d.priority = parse_priority(m.value, p);
    else d.queue = parse_queue(m.value, p);
  }
}

double parse_number(const Value& v, const std::string& path, double lo, double hi) {
  if (!v.IsNumber() || !std::isfinite(v.GetDouble()) || v.GetDouble() < lo || v.GetDouble() > hi)
    fail(path, "expected a number from " + show(Value(lo)) + " to " + show(Value(hi)) + ", got " + show(v));
  return v.GetDouble();
}

// "base_category": {"complaint_at": 0.6, "praise_at": 0.5}
void parse_base_category(const Value& v, BaseCategoryConfig& c) {
  const std::string path = "base_category";
  if (!v.IsObject()) fail(path, "expected an object, got " + show(v));
  check_keys(v, path, {"complaint_at", "praise_at"});
  for (const auto& m : v.GetObject()) {
    const std::string_view key = str(m.name);
    if (key == "complaint_at") c.complaint_at = parse_number(m.value, join(path, key), 0, 1);
    else c.praise_at = parse_number(m.value, join(path, key), -1, 1);
  }
}

// "priority": {"weights": {...}, "thresholds": {"p0": .., "p1": .., "p2": ..}, "urgent_tags": [...]}
PriorityConfig parse_priority_config(const Value& v) {
  const std::string path = "priority";
  if (!v.IsObject()) fail(path, "expected an object, got " + show(v));
  check_keys(v, path, {"weights", "thresholds", "urgent_tags", "description"});
  PriorityConfig c;
  if (auto w = v.FindMember("weights"); w != v.MemberEnd()) {
    const std::string wp = join(path, "weights");
    if (!w->value.IsObject()) fail(wp, "expected an object, got " + show(w->value));
    check_keys(w->value, wp, {"complaint", "negative", "reach", "verified", "urgent"});
    for (const auto& m : w->value.GetObject()) {
      const std::string_view key = str(m.name);
      const double x = parse_number(m.value, join(wp, key), -100, 100);
      if (key == "complaint") c.complaint = x;
      else if (key == "negative") c.negative = x;
      else if (key == "reach") c.reach = x;
      else if (key == "verified") c.verified = x;
      else c.urgent = x;
    }
  }
  if (auto t = v.FindMember("thresholds"); t != v.MemberEnd()) {
    const std::string tp = join(path, "thresholds");
    if (!t->value.IsObject()) fail(tp, "expected an object, got " + show(t->value));
    check_keys(t->value, tp, {"p0", "p1", "p2"});
    for (const auto& m : t->value.GetObject()) {
      const std::string_view key = str(m.name);
      const double x = parse_number(m.value, join(tp, key), -1000, 1000);
      if (key == "p0") c.p0 = x;
      else if (key == "p1") c.p1 = x;
      else c.p2 = x;
    }
    if (!(c.p0 >= c.p1 && c.p1 >= c.p2))
      fail(tp, "expected p0 >= p1 >= p2, got p0 " + show(Value(c.p0)) + ", p1 " + show(Value(c.p1)) +
                   ", p2 " + show(Value(c.p2)));
  }
  if (auto u = v.FindMember("urgent_tags"); u != v.MemberEnd()) {
    const std::string up = join(path, "urgent_tags");
    if (!u->value.IsArray()) fail(up, "expected an array of tags, got " + show(u->value));
    for (rapidjson::SizeType i = 0; i < u->value.Size(); ++i) {
      const Value& t = u->value[i];
      if (!t.IsString() || t.GetStringLength() == 0) fail(at(up, i), "expected a non-empty string, got " + show(t));
      c.urgent_tags.emplace_back(str(t));
    }
  }
  if (auto d = v.FindMember("description"); d != v.MemberEnd() && !d->value.IsString())
    fail(join(path, "description"), "expected a string, got " + show(d->value));
  return c;
}

// "models": {"issue": "models/issue.model"}: paths relative to the rules file.
void parse_models(const Value& v, const std::string& base_dir, CompiledRules& out) {
  const std::string path = "models";
  if (!v.IsObject()) fail(path, "expected an object of name: model file, got " + show(v));
  for (const auto& m : v.GetObject()) {
    const std::string name(str(m.name));
    const std::string p = join(path, name);
    const bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!ok) fail(p, quoted(name) + " is not a model name (at most 64 lowercase letters, digits, '-', '_')");
    if (!m.value.IsString() || m.value.GetStringLength() == 0)
      fail(p, "expected the path of a model file, got " + show(m.value));
    std::string file(str(m.value));
    if (file.front() != '/' && !base_dir.empty()) file = base_dir + "/" + file;
    std::string error;
    auto model = TextModel::load_file(file, error);
    if (!model) fail(p, "cannot load model " + quoted(file) + ": " + error);
    for (const std::string& label : model->labels()) out.model_fields.push_back("model." + name + "." + label);
    out.models.push_back({name, std::move(model)});
  }
}

// Where a rule is, for error messages: `rules[3] "refunds"` (or `rules[3]` before its name is known).
std::string rule_label(size_t index, const std::string& name) {
  std::string s = "rules[" + std::to_string(index) + "]";
  if (!name.empty()) s += " " + quoted(name);
  return s;
}

void parse_rule_list(const Value& list, CompiledRules& out) {
  if (!list.IsArray()) fail("rules", "expected an array of rules, got " + show(list));
  Parser parser(out.matcher, out.model_fields);
  std::unordered_map<std::string, size_t> first_index;
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const Value& r = list[i];
    std::string label = rule_label(i, "");
    try {
      if (!r.IsObject()) fail("", "expected a rule object, got " + show(r));
      Rule rule;
      auto name = r.FindMember("name");
      if (name == r.MemberEnd()) fail("name", "required");
      if (!name->value.IsString() || name->value.GetStringLength() == 0)
        fail("name", "expected a non-empty string, got " + show(name->value));
      rule.name.assign(str(name->value));
      label = rule_label(i, rule.name);
      auto [it, fresh] = first_index.emplace(rule.name, i);
      if (!fresh) fail("name", "duplicate rule name (first used by rules[" + std::to_string(it->second) + "])");
      check_keys(r, "", {"name", "description", "when", "then"});
      if (auto d = r.FindMember("description"); d != r.MemberEnd()) {
        if (!d->value.IsString()) fail("description", "expected a string, got " + show(d->value));
        rule.description.assign(str(d->value));
      }
      auto when = r.FindMember("when");
      if (when == r.MemberEnd()) fail("when", "required (use {} for a rule that always applies)");
      rule.when = parser.condition(when->value, "when");
      auto then = r.FindMember("then");
      if (then == r.MemberEnd()) fail("then", "required");
      rule.then = parse_actions(then->value, "then");
      out.rules.push_back(std::move(rule));
    } catch (LoadError& e) {
      e.path = e.path.empty() ? label : label + ": " + e.path;
      throw;
    }
  }
}

std::string json_error(std::string_view json, const rapidjson::Document& doc) {
  const size_t offset = std::min(doc.GetErrorOffset(), json.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (json[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
         rapidjson::GetParseError_En(doc.GetParseError());
}

}  // namespace

bool parse_rules(std::string_view json, const std::string& origin, CompiledRules& out, std::string& error,
                 const std::string& base_dir) {
  out = CompiledRules{};
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    error = origin + ": " + json_error(json, doc);
    return false;
  }
  try {
    if (!doc.IsObject()) fail("", "expected a JSON object with \"rules\"");
    check_keys(doc, "", {"default", "rules", "description", "base_category", "priority", "models"});
    if (auto d = doc.FindMember("default"); d != doc.MemberEnd()) parse_defaults(d->value, out);
    if (auto b = doc.FindMember("base_category"); b != doc.MemberEnd()) parse_base_category(b->value, out.base);
    if (auto p = doc.FindMember("priority"); p != doc.MemberEnd()) out.priority = parse_priority_config(p->value);
    if (auto m = doc.FindMember("models"); m != doc.MemberEnd()) parse_models(m->value, base_dir, out);
    auto list = doc.FindMember("rules");
    if (list == doc.MemberEnd()) fail("rules", "required");
    parse_rule_list(list->value, out);
    std::string compile_error;
    if (!out.matcher.compile(compile_error)) fail("rules", compile_error);
  } catch (const LoadError& e) {
    error = origin + ": " + (e.path.empty() ? "" : e.path + ": ") + e.message;
    out = CompiledRules{};
    return false;
  }
  if (out.defaults.category == Category::ignore) out.defaults.queue.clear();
  return true;
}

void apply(const Actions& a, Decision& d) {
  if (a.category) d.category = *a.category;
  if (a.priority) d.priority = *a.priority;
  if (a.queue) d.queue = *a.queue;
  for (const auto& t : a.tags)
    if (std::find(d.tags.begin(), d.tags.end(), t) == d.tags.end()) d.tags.push_back(t);
  if (a.escalate) d.priority = std::max(0, d.priority - a.escalate);
}

}  // namespace carewatch::rules
