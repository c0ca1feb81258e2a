#include "rules/language_detector.h"
#include "rules/script_check.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace carewatch::rules {
namespace {

struct Sample {
  const char* expected;
  const char* text;
};

// Written for these tests: ordinary customer-care sentences, one language each.
constexpr Sample kSentences[] = {
    {"en", "My suitcase never arrived in Denver and nobody at the desk can tell me where it went."},
    {"en", "Thanks so much for sorting out my booking so quickly, the whole team was very kind."},
    {"es", "Mi vuelo salió con tres horas de retraso y nadie nos dio ninguna explicación en la puerta."},
    {"es", "¿Alguien sabe cómo puedo cambiar la fecha de mi billete sin pagar otra vez?"},
    {"fr", "Je voudrais changer la date de mon billet, est-ce que c'est possible en ligne ?"},
    {"fr", "Toujours aucune nouvelle de mon remboursement après trois semaines d'attente."},
    {"de", "Der Zug war wieder einmal zu spät und die Anzeige am Bahnsteig hat nichts gesagt."},
    {"de", "Vielen Dank für die schnelle Hilfe mit meinem Gepäck, das war wirklich großartig."},
    {"pt", "Comprei uma passagem ontem e ainda não recebi o e-mail de confirmação da reserva."},
    {"pt", "O atendimento foi péssimo, fiquei mais de uma hora esperando sem nenhuma resposta."},
    {"it", "Il servizio clienti non risponde da tre giorni, sono molto deluso da questa compagnia."},
    {"it", "Grazie per avermi aiutato a ritrovare la valigia, siete stati davvero gentilissimi."},
    {"ja", "荷物が届かないので問い合わせをしたいのですが、電話がまったくつながりません。"},
    {"ja", "昨日の便はとても快適でした。スタッフの皆さん、ありがとうございました。"},
};

TEST(LanguageDetector, DetectsTheLanguageOfOrdinarySentences) {
  for (const Sample& s : kSentences) {
    const DetectedLanguage d = detect_language(s.text);
    EXPECT_EQ(d.code, s.expected) << s.text;
    EXPECT_TRUE(d.reliable) << s.text;
    EXPECT_GT(d.percent, 50) << s.text;
    EXPECT_LE(d.percent, 100) << s.text;
  }
}

TEST(LanguageDetector, TweetShapedTextWithHandlesTagsAndLinks) {
  EXPECT_EQ(detect_language("@acmeair my bag is still missing after four days, can somebody please "
                            "call me back? https://example.com/claim/123 #lostluggage")
                .code,
            "en");
  EXPECT_EQ(detect_language("@acmeair el vuelo de hoy a Sevilla lleva dos horas de retraso y nadie "
                            "contesta 😤 #retraso")
                .code,
            "es");
}

TEST(LanguageDetector, ChineseScriptsGiveLowerCaseCodes) {
  EXPECT_EQ(detect_language("我的行李还没有到，请尽快帮我查一下，谢谢。").code, "zh");
  EXPECT_EQ(detect_language("我的行李還沒有到，請盡快幫我查一下，謝謝。").code, "zh-hant");
}

TEST(LanguageDetector, EmptyAndLanguagelessTextIsUnknown) {
  for (const char* text : {"", "   \n\t ", "😀😀🎉👍", "12345 678 90", "!!! ??? ...", "#### @@@@"}) {
    const DetectedLanguage d = detect_language(text);
    EXPECT_EQ(d.code, "") << text;
    EXPECT_FALSE(d.reliable) << text;
    EXPECT_EQ(d.percent, 0) << text;
  }
}

TEST(LanguageDetector, VeryShortTextIsUnknownOrUnreliable) {
  for (const char* text : {"ok", "lol", "hello", "ok thanks", "la casa"}) {
    const DetectedLanguage d = detect_language(text);
    EXPECT_TRUE(d.code.empty() || !d.reliable) << text << " -> " << d.code;
  }
}

TEST(LanguageDetector, HintOnShortTextGivesTheTextsAnswerTheHintOrNothing) {
  for (const char* text : {"muchas gracias", "vielen dank", "no tengo nada", "buen viaje", "ok"}) {
    const std::string plain = detect_language(text).code;
    for (const char* hint : {"en", "es", "pt", "de", "fr", "it", "ja"}) {
      const std::string hinted = detect_language(text, hint).code;
      EXPECT_TRUE(hinted.empty() || hinted == plain || hinted == hint)
          << text << " hinted " << hint << " -> " << hinted << " (alone: " << plain << ")";
    }
  }
}

TEST(LanguageDetector, HintResolvesCloseLanguages) {
  // Short Portuguese that the text alone takes for Galician: a "pt" tag fits it better.
  EXPECT_EQ(detect_language("o voo foi cancelado").code, "gl");
  EXPECT_EQ(detect_language("o voo foi cancelado", "pt-BR").code, "pt");
  EXPECT_EQ(detect_language("o voo foi cancelado", "PT").code, "pt");
}

TEST(LanguageDetector, WrongHintDoesNotOverrideClearText) {
  const char* spanish = "Mi vuelo salió con tres horas de retraso y nadie nos dio ninguna explicación.";
  EXPECT_EQ(detect_language(spanish, "pt").code, "es");
  EXPECT_EQ(detect_language(spanish, "de").code, "es");
  const char* english = "The gate agent was really helpful and rebooked us on the next flight.";
  EXPECT_EQ(detect_language(english, "ja").code, "en");
  EXPECT_EQ(detect_language(english, "fr").code, "en");
}

TEST(LanguageDetector, MeaninglessHintsAreIgnored) {
  const char* german = "Der Zug war wieder einmal zu spät und die Anzeige am Bahnsteig hat nichts gesagt.";
  for (const char* hint : {"", "zz", "not a language", "en\n", "\xff\xfe", "x-klingon-very-long-tag"}) {
    EXPECT_EQ(detect_language(german, hint).code, "de") << hint;
  }
  EXPECT_EQ(detect_language("ok", "\xc3\x28").code, "");
}

TEST(LanguageDetector, InvalidUtf8IsTolerated) {
  // French text with stray bytes: a lone continuation byte, a truncated sequence, an overlong
  // slash, a UTF-16 surrogate encoded in UTF-8, and Latin-1 bytes.
  std::string text = "Je voudrais \x80 changer la date \xC3 de mon billet, \xC0\xAF est-ce que "
                     "c'est possible \xED\xA0\x80 en ligne ? Merci d'avance pour votre r\xE9ponse.";
  const DetectedLanguage d = detect_language(text);
  EXPECT_EQ(d.code, "fr");
  // Invalid bytes only, control characters, NUL bytes, and a sequence cut at the very end.
  for (std::string junk : {std::string("\xff\xfe\xfd\xc0\xc1\xf5\xf8"), std::string("\x01\x02\x1b[31m"),
                           std::string("abc\0def\0", 8), std::string("hola \xE2\x82")}) {
    const DetectedLanguage j = detect_language(junk);
    EXPECT_TRUE(j.code.empty() || !j.reliable) << j.code;
  }
}

bool same(const DetectedLanguage& a, const DetectedLanguage& b) {
  return a.code == b.code && a.reliable == b.reliable && a.percent == b.percent;
}

TEST(LanguageDetector, ControlCharactersAndNonCharactersCountAsSpaces) {
  // Clean text goes to CLD2 as it is; other text is cleaned first. Both must agree with what
  // the cleaning means: controls, C1 controls and non-characters are spaces, bad bytes U+FFFD.
  size_t tried = 0;
  for (const Sample& s : kSentences) {
    const std::string text = s.text;
    const size_t cut = text.find(' ');
    if (cut == std::string::npos) continue;  // Japanese: no spaces to stand in for
    ++tried;
    const std::string head = text.substr(0, cut), tail = text.substr(cut + 1);
    const DetectedLanguage spaced = detect_language(head + " " + tail);
    EXPECT_TRUE(same(spaced, detect_language(text))) << s.text;
    for (const char* odd : {"\x01", "\x1b", "\x7f", "\xC2\x85", "\xEF\xB7\x90", "\xEF\xBF\xBF"}) {
      const DetectedLanguage d = detect_language(head + odd + tail);
      EXPECT_TRUE(same(d, spaced)) << s.text << " with " << odd << ": " << d.code << " vs " << spaced.code;
    }
    const DetectedLanguage bad = detect_language(head + "\xFF" + tail);
    EXPECT_TRUE(same(bad, detect_language(head + "\xEF\xBF\xBD" + tail))) << s.text;
  }
  EXPECT_GE(tried, 10u);
}

TEST(LanguageDetector, ManyDistinctHintsKeepTheirOwnAnswers) {
  // More distinct hints than a thread remembers, in two orders: every call answers as the first.
  const char* hints[] = {"en", "es", "pt", "pt-BR", "PT-br", "PT", "fr", "de", "it", "nl", "ja", "gl",
                         "ca", "zh-Hant", "ru", "pl", "sv", "da", "fi", "tr", "zz", "EN"};
  const char* texts[] = {"o voo foi cancelado", "muchas gracias", "vielen dank", "the app crashed again"};
  std::vector<DetectedLanguage> first;
  for (const char* text : texts)
    for (const char* hint : hints) first.push_back(detect_language(text, hint));
  for (int pass = 0; pass < 2; ++pass) {
    size_t k = first.size();
    for (size_t t = sizeof texts / sizeof *texts; t-- > 0;)
      for (size_t h = sizeof hints / sizeof *hints; h-- > 0;) {
        --k;
        const DetectedLanguage d = detect_language(texts[t], hints[h]);
        EXPECT_TRUE(same(d, first[k])) << texts[t] << " hinted " << hints[h];
      }
  }
  EXPECT_EQ(detect_language("o voo foi cancelado", "PT-br").code, "pt");
}

TEST(LanguageDetector, HugeTextIsJudgedByItsBeginning) {
  std::string text;
  while (text.size() < 1'000'000) {
    text += "Ich warte seit drei Wochen auf die Erstattung für meinen gestrichenen Flug. ";
  }
  text += std::string(1'000'000, 'x');
  EXPECT_EQ(detect_language(text).code, "de");

  // A long text whose cut point falls inside a multi-byte character.
  std::string japanese;
  while (japanese.size() < 20'000) japanese += "昨日の便はとても快適でした。ありがとうございました。";
  for (size_t cut : {4095u, 4096u, 4097u, 4098u}) {
    EXPECT_EQ(detect_language(std::string_view(japanese).substr(0, cut)).code, "ja") << cut;
  }
}

TEST(LanguageDetector, ConcurrentCallsAgree) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        for (const Sample& s : kSentences) {
          if (detect_language(s.text).code != s.expected) ++wrong[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

TEST(LanguageDetector, PlainlyEnglishTextSkipsCld2AndAgreesWithIt) {
  // Written for this test: English care mentions the cheap pass decides on its own.
  const char* english[] = {
      "@acmeair my bag is still missing after four days, can somebody please call me back?",
      "Thanks so much for sorting out my booking so quickly, the whole team was very kind.",
      "why does the app log me out every time I open it?? this is getting old \xf0\x9f\x98\xa4",
      "I\xe2\x80\x99ve been waiting for a refund since March and nobody answers the phone https://x.example/1",
      "The crew were lovely and the flight was on time, thank you #travel",
  };
  for (const char* text : english) {
    EXPECT_TRUE(plainly_english(text)) << text;
    const DetectedLanguage fast = detect_language(text), full = detect_language_cld2(text);
    EXPECT_EQ(fast.code, "en") << text;
    EXPECT_TRUE(fast.reliable) << text;
    EXPECT_EQ(full.code, "en") << text;  // CLD2 says the same
    EXPECT_EQ(detect_language(text, "en-GB").code, "en") << text;
  }
  // An English text with a non-English platform tag is CLD2's to judge (with the hint rules).
  EXPECT_EQ(detect_language(english[0], "ja").code, detect_language_cld2(english[0], "ja").code);
}

TEST(LanguageDetector, OtherTextGoesToCld2) {
  for (const Sample& s : kSentences) {
    if (std::string(s.expected) != "en") {
      EXPECT_FALSE(plainly_english(s.text)) << s.text;
    }
  }
  const char* not_plain[] = {
      "ok thanks",                                       // too short to be sure
      "the flight was cancelado otra vez",               // one English function word
      "the app is great but el servicio es muy lento",   // Spanish function words
      "thanks for the caf\xc3\xa9 vouchers, you are kind",  // a letter outside ASCII
      "@the_and_you #the_and_you https://the.and.you/with/this",  // handles, tags, links only
      "",
      "\xff\xfe the and you \xe8\xa1\x8c",
  };
  for (const char* text : not_plain) EXPECT_FALSE(plainly_english(text)) << text;
  // English function words must be one in four words at least, one of them English alone.
  EXPECT_FALSE(plainly_english("the and lorem ipsum dolor sit amet consectetur adipiscing"));
  EXPECT_TRUE(plainly_english("the and lorem ipsum dolor sit amet consectetur"));
  EXPECT_TRUE(plainly_english("the is lorem ipsum dolor"));
  EXPECT_FALSE(plainly_english("it is lorem ipsum dolor"));  // "it" and "is" alone: other languages have them
  // Other languages written without their accents still have their function words.
  for (const char* text : {"mi vuelo se retraso otra vez, the worst", "o voo foi cancelado de novo, thanks to the app",
                           "der Flug ist schon wieder verspaetet, the app is useless",
                           "Ik heb mijn bagage nog niet, the service is bad", "Ang tagal ng flight, the worst talaga",
                           "Pesawat delay lagi, the worst"})
    EXPECT_FALSE(plainly_english(text)) << text;
}

TEST(ScriptCheck, TextInAScriptTheTagsLanguageIsNotWrittenIn) {
  const char* japanese = "\xe8\x8d\xb7\xe7\x89\xa9\xe3\x81\x8c\xe5\xb1\x8a\xe3\x81\x8b\xe3\x81\xaa\xe3\x81\x84";  // 荷物が届かない
  const char* russian = "\xd0\x9c\xd0\xbe\xd0\xb9 \xd0\xb1\xd0\xb0\xd0\xb3\xd0\xb0\xd0\xb6 \xd0\xbf\xd0\xbe\xd1\x82\xd0\xb5\xd1\x80\xd1\x8f\xd0\xbd";  // Мой багаж потерян
  EXPECT_TRUE(script_contradicts(japanese, "en"));
  EXPECT_TRUE(script_contradicts(japanese, "pt-BR"));
  EXPECT_FALSE(script_contradicts(japanese, "ja"));
  EXPECT_TRUE(script_contradicts(russian, "de"));
  EXPECT_FALSE(script_contradicts(russian, "ru"));
  EXPECT_FALSE(script_contradicts(russian, "uk"));
  EXPECT_TRUE(script_contradicts("my bag never arrived", "ja"));
  EXPECT_TRUE(script_contradicts("mi maleta no ha llegado", "RU"));
  EXPECT_FALSE(script_contradicts("my bag never arrived", "en"));
  EXPECT_FALSE(script_contradicts("Der Koffer ist nicht angekommen, sagt Herr M\xc3\xbcller", "de"));
  // A name in another script inside a text, too few letters, emoji, tags not known here.
  EXPECT_FALSE(script_contradicts(std::string("Dinner at ") + japanese + " in Lisbon was the best meal of my trip", "en"));
  EXPECT_FALSE(script_contradicts("ok", "ja"));
  EXPECT_FALSE(script_contradicts("\xf0\x9f\x98\xa1\xf0\x9f\x98\xa1 !!! 123", "en"));
  EXPECT_FALSE(script_contradicts(japanese, "xx"));
  EXPECT_FALSE(script_contradicts(japanese, ""));
  EXPECT_FALSE(script_contradicts("\xff\xfe\xfd", "en"));
  // Emoji with a variation selector, arrows, accents and punctuation are not letters of another
  // script; full-width katakana (U+FF71..) is.
  EXPECT_FALSE(script_contradicts("flight \xe2\x9c\x88\xef\xb8\x8f caf\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x98\xa4", "en"));
  EXPECT_TRUE(script_contradicts("\xef\xbd\xb1\xef\xbd\xb2\xef\xbd\xb3\xef\xbd\xb4", "en"));
}

}  // namespace
}  // namespace carewatch::rules
