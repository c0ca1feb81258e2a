// Fuzz target: arbitrary bytes as a rules file. Loading either fails with a message or gives a
// rule set that decides any mention without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/rule_set.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace carewatch;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto ruleset = RuleSet::load_json(bytes, "fuzz.json", error);
  if (!ruleset) {
    CW_FUZZ_CHECK(!error.empty(), "load failed without a message");
    CW_FUZZ_CHECK(error.find("fuzz.json") != std::string::npos, "error does not name the file");
    return 0;
  }

  static const char* const kTexts[] = {
      "",
      "@acmeair my refund still hasn't arrived, this is a scam!!! https://a.example https://b.example",
      "Thank you so much, the crew was wonderful #avgeek",
      "¿Cómo cambio mi vuelo? No puedo iniciar sesión en la app",
      "\xff\xfe broken \xc3 bytes \xed\xa0\x80 and emoji 😤🙏",
  };
  Mention m;
  m.platform = "mastodon";
  m.source = "brand-tag";
  m.language = "en";
  m.author.followers = 120000;
  m.author.verified = true;
  for (const char* text : kTexts) {
    m.text = text;
    const Decision d = ruleset->decide(m);
    CW_FUZZ_CHECK(d.priority >= 0 && d.priority <= 3, "priority out of range");
    CW_FUZZ_CHECK(d.rules.size() <= ruleset->size(), "more rules fired than exist");
  }
  // The rules file's own text as a mention: its words and patterns are what the rules look for.
  m.text = std::string(bytes.substr(0, 2000));
  const Decision d = ruleset->decide(m);
  CW_FUZZ_CHECK(d.priority >= 0 && d.priority <= 3, "priority out of range");
  return 0;
}
