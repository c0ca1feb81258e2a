#include "connectors/replay/synthetic_mentions.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "mention/mention.h"

namespace carewatch {

namespace {

struct Template {
  const char* language;
  const char* text;  // {flight} {city} {city2} {minutes} {hours} {amount} {feature} {day} {tag} {link}
};

// Invented for carewatch; the placeholders are filled at random.
constexpr Template kComplaints[] = {
    {"en", "@acmeair flight {flight} to {city} delayed {hours} hours and nobody at the gate knows anything"},
    {"en", "Three hours on the tarmac in {city}. No water, no updates. Thanks for nothing @acmeair {tag}"},
    {"en", "@acmeair my bag didn't make it to {city}. Reported it {day}, still no word. Where is it?"},
    {"en", "Been waiting {minutes} minutes on hold with @acmeair customer service. This is ridiculous"},
    {"en", "The Acme Air app crashed again right at checkout. Lost my seat selection twice {tag}"},
    {"en", "@acmeair you charged my card twice for the same booking, {amount} each. Please fix this"},
    {"en", "Still waiting on my refund for cancelled flight {flight}. It's been {hours} weeks @acmeair"},
    {"en", "Can't log in to the Acme Air app since the update. Keeps saying session expired"},
    {"en", "@acmeair cancelled {flight} with 2 hours notice and the rebooking is for {day}. Unacceptable"},
    {"en", "Rude gate agent in {city} today. Spoke to my elderly mother like she was a child. @acmeair"},
    {"en", "Worst flight ever with @acmeair. Broken seat, no meal, {hours}h late into {city}"},
    {"en", "@acmeair the {feature} in your app has been broken for a week. Please test your updates"},
    {"en", "My account was hacked and someone used my Acme Air miles. Need help NOW @acmeair"},
    {"en", "@acmeair I'll be talking to my lawyer if this refund of {amount} isn't sorted by {day}"},
    {"en", "Smoke smell in the cabin on {flight} and the crew just shrugged. Is that safe?? @acmeair"},
    {"es", "@acmeair vuelo {flight} a {city} con {hours} horas de retraso y nadie explica nada"},
    {"es", "Me cobraron dos veces el billete, {amount}. Quiero mi reembolso ya @acmeair"},
    {"es", "Perdieron mi maleta en {city}. Pésimo servicio de Acme Air"},
    {"fr", "@acmeair vol {flight} annulé, aucune information, remboursement toujours pas reçu"},
    {"fr", "L'appli Acme Air plante à chaque fois que j'essaie d'enregistrer ma carte d'embarquement"},
    {"de", "@acmeair Flug {flight} nach {city} schon wieder {hours} Stunden Verspätung. Eine Frechheit"},
    {"de", "Mein Koffer ist seit {day} verschwunden. Acme Air reagiert nicht auf E-Mails"},
    {"pt", "@acmeair voo {flight} cancelado e ninguém responde. Quero meu reembolso"},
    {"pt", "O app da Acme Air não abre desde ontem. Péssimo"},
    {"ja", "@acmeair {flight}便が{hours}時間遅れています。説明がありません"},
};

constexpr Template kQuestions[] = {
    {"en", "@acmeair what's the carry-on allowance on the basic fare to {city}?"},
    {"en", "How do I change the date of my Acme Air booking without paying twice? @acmeair"},
    {"en", "@acmeair can I bring a folding bike on {flight}? Do I need to book it in advance?"},
    {"en", "Does Acme Air have wifi on the {city} route? Need to work on the flight"},
    {"en", "@acmeair is there a way to add my frequent flyer number after check-in?"},
    {"en", "@acmeair how early should I get to {city} airport for an international flight?"},
    {"en", "Anyone know if @acmeair lets you pick seats for free on {day}'s flights?"},
    {"es", "@acmeair ¿cuánto equipaje puedo llevar en tarifa básica a {city}?"},
    {"fr", "@acmeair comment modifier la date de mon vol {flight} ?"},
    {"de", "@acmeair wie viel Handgepäck darf ich auf dem Flug nach {city} mitnehmen?"},
    {"pt", "@acmeair como faço para mudar o nome na reserva?"},
    {"ja", "@acmeair 預け荷物は何キロまでですか？"},
};

constexpr Template kPraise[] = {
    {"en", "Shoutout to the crew on @acmeair {flight} to {city}, smoothest landing in years"},
    {"en", "Acme Air rebooked me in {minutes} minutes through the app. Impressed {tag}"},
    {"en", "@acmeair thank you for finding my bag and delivering it to my hotel in {city}!"},
    {"en", "The new {feature} in the Acme Air app is actually great. Nice work"},
    {"en", "Upgraded to the front row for free on my birthday. Love you @acmeair"},
    {"es", "Gracias @acmeair, la tripulación del {flight} fue encantadora"},
    {"fr", "Merci @acmeair pour le vol parfait vers {city} !"},
    {"de", "Super Service von Acme Air heute in {city}. Danke!"},
    {"pt", "Voo tranquilo e pontual para {city}, obrigado @acmeair"},
    {"ja", "@acmeair 快適なフライトをありがとうございました"},
};

constexpr Template kSpam[] = {
    {"en", "🚀 FREE CRYPTO GIVEAWAY 🚀 send 0.1 ETH get 1 ETH back! {link} {tag}"},
    {"en", "Follow for follow! I follow back everyone who follows me {tag} #f4f"},
    {"en", "Cheap flights hack airlines don't want you to know {link} {link}"},
    {"en", "Claim your airdrop now before it ends {link} #bitcoin {tag}"},
    {"en", "Make $500 a day from home, DM me {link}"},
    {"es", "Gana dinero desde casa con bitcoin giveaway {link}"},
};

constexpr Template kChatter[] = {
    {"en", "Boarding {flight} to {city} now, see you on the other side {tag}"},
    {"en", "Window seat on @acmeair, clouds over {city} look unreal today"},
    {"en", "Anyone else flying Acme Air to {city} on {day}?"},
    {"en", "The Acme Air safety video with the cartoon pilot is weirdly catchy"},
    {"en", "Airport coffee at {city} before {flight}. Let the trip begin"},
    {"es", "Rumbo a {city} con @acmeair, qué ganas de playa"},
    {"fr", "Embarquement pour {city}, à bientôt !"},
    {"de", "Gleich geht's los nach {city} mit Acme Air"},
    {"pt", "Partiu {city}! {tag}"},
    {"ja", "これから{city}へ出発します"},
};

// Endings added to about half of the texts, so that few texts repeat exactly.
constexpr const char* kEndings[] = {" {tag}", " ✈️", " 😤", " 🙏", " #{city}", " ({flight})",
                                    " 🙄", " {flight}", " {tag} {tag}", " …", " 👀", " #{city} {tag}"};
constexpr const char* kCities[] = {"Lisbon", "Madrid", "Berlin", "Paris", "Tokyo", "Denver",
                                   "Boston", "Porto", "Munich", "Lyon", "Seville", "Osaka",
                                   "Chicago", "Dublin", "Vienna", "Recife"};
constexpr const char* kFeatures[] = {"seat map", "boarding pass wallet", "check-in", "trip tracker",
                                     "payment page", "baggage tracker", "login screen", "dark mode"};
constexpr const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                 "Saturday", "Sunday", "yesterday"};
constexpr const char* kTags[] = {"#acmeair", "#travel", "#avgeek", "#fail", "#airport", ""};
constexpr const char* kPlatforms[] = {"x", "x", "x", "mastodon", "mastodon", "reddit", "bluesky",
                                      "bluesky", "youtube", "appstore", "trustpilot", "hackernews"};
constexpr const char* kSyllables[] = {"ka", "ri", "mo", "ne", "lu", "ta", "so", "vi", "de",
                                      "ra", "jo", "mi", "pe", "zu", "an", "el"};

constexpr std::int64_t kStartMs = 1795305600000;  // 2026-11-22T00:00:00Z

class Filler {
 public:
  explicit Filler(unsigned seed) : rng_(seed) {}

  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(rng_() % n); }

  template <typename T, std::size_t N>
  const T& pick(const T (&items)[N]) { return items[below(static_cast<std::uint32_t>(N))]; }

  std::string fill(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 32);
    for (std::size_t i = 0; i < text.size();) {
      if (text[i] == '{') {
        const std::size_t close = text.find('}', i);
        if (close != std::string_view::npos) {
          out += value(text.substr(i + 1, close - i - 1));
          i = close + 1;
          continue;
        }
      }
      out += text[i++];
    }
    return out;
  }

  std::string handle() {
    std::string h;
    const std::uint32_t parts = 2 + below(3);
    for (std::uint32_t i = 0; i < parts; ++i) h += pick(kSyllables);
    if (below(2)) h += std::to_string(below(1000));
    return h;
  }

 private:
  std::string value(std::string_view name) {
    if (name == "flight") return "AA" + std::to_string(100 + below(9000));
    if (name == "city") return pick(kCities);
    if (name == "minutes") return std::to_string(5 + below(175));
    if (name == "hours") return std::to_string(2 + below(9));
    if (name == "amount") return "$" + std::to_string(49 + below(1200));
    if (name == "feature") return pick(kFeatures);
    if (name == "day") return pick(kDays);
    if (name == "tag") return pick(kTags);
    if (name == "link") return "https://promo" + std::to_string(below(100)) + ".example/" + std::to_string(rng_() % 100000);
    return std::string(name);
  }

  std::mt19937 rng_;
};

void write_string(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

}  // namespace

void write_synthetic_mentions(std::ostream& out, std::size_t count, unsigned seed) {
  Filler f(seed);
  rapidjson::StringBuffer sb;
  std::int64_t posted = kStartMs;
  for (std::size_t n = 1; n <= count; ++n) {
    const std::uint32_t kind = f.below(100);
    const Template& t = kind < 35   ? f.pick(kComplaints)
                        : kind < 55 ? f.pick(kQuestions)
                        : kind < 67 ? f.pick(kPraise)
                        : kind < 77 ? f.pick(kSpam)
                                    : f.pick(kChatter);
    const std::string id = std::to_string(n);
    const std::string platform = f.pick(kPlatforms);
    const std::string handle = f.handle();
    const std::uint32_t reach = f.below(100);
    const std::int64_t followers = reach < 60 ? f.below(500) : reach < 95 ? f.below(20000) : f.below(2000000);
    std::string parent;
    if (n > 1 && f.below(10) == 0) parent = std::to_string(n - 1 - f.below(static_cast<std::uint32_t>(std::min<std::size_t>(n - 1, 50))));
    posted += f.below(3000);

    sb.Clear();
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    write_string(w, "uid", "synthetic:" + id);
    write_string(w, "platform", platform);
    write_string(w, "id", id);
    write_string(w, "url", "https://" + platform + ".example/@" + handle + "/" + id);
    std::string text = f.fill(t.text);
    if (f.below(2)) text += f.fill(f.pick(kEndings));
    write_string(w, "text", text);
    write_string(w, "language", t.language);
    w.Key("author");
    w.StartObject();
    write_string(w, "id", "synthetic-user-" + std::to_string(f.below(1000000)));
    write_string(w, "handle", handle);
    write_string(w, "name", handle);
    w.Key("followers");
    w.Int64(followers);
    w.Key("verified");
    w.Bool(followers > 100000 && f.below(2) == 0);
    w.EndObject();
    write_string(w, "conversation_id", parent.empty() ? id : parent);
    write_string(w, "parent_id", parent);
    w.Key("posted_at");
    w.Int64(posted);
    w.EndObject();
    out.write(sb.GetString(), static_cast<std::streamsize>(sb.GetSize()));
    out.put('\n');
  }
}

}  // namespace carewatch
