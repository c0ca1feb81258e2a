#include "daemon/store/source_health_store.h"

#include <utility>
#include <vector>

namespace carewatch {

extern const char* const kLuaSourceHealthSave;

namespace {

// The version of the hash, beside the watch's own fields (which never start with '_').
constexpr const char* kVersionField = "_version";

RedisScript& save_script() {
  static RedisScript script("source_health_save", kLuaSourceHealthSave);
  return script;
}

}  // namespace

SourceHealthStore::SourceHealthStore(RedisPool& pool, std::string prefix) : pool_(pool), kp_("{" + std::move(prefix) + "}") {}

std::string SourceHealthStore::key(const std::string& source) const { return kp_ + ":src:" + source; }

SourceHealthRecord SourceHealthStore::load(const std::string& source) {
  const RedisReply r = pool_.command({"HGETALL", key(source)});
  SourceHealthRecord out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    const std::string& name = r.elements[i].str;
    if (name == kVersionField)
      out.version = reply_int(r.elements[i + 1]);
    else
      out.fields[name] = r.elements[i + 1].str;
  }
  return out;
}

bool SourceHealthStore::save(const std::string& source, std::int64_t version,
                             const std::map<std::string, std::string>& fields) {
  std::vector<std::string> args{kp_, kVersionField, std::to_string(version)};
  for (const auto& [name, value] : fields) {
    args.push_back(name);
    args.push_back(value);
  }
  return pool_.run(save_script(), {key(source)}, args).integer > 0;
}

void SourceHealthStore::forget(const std::string& source) { pool_.command({"DEL", key(source)}); }

}  // namespace carewatch
