// CSV for spreadsheets: RFC 4180 quoting and the formula-injection guard.
#include "daemon/api/csv_writer.h"

#include <gtest/gtest.h>

namespace carewatch {
namespace {

std::string cell(std::string_view s) {
  std::string out;
  append_csv_cell(out, s);
  return out;
}

TEST(CsvWriter, PlainCellsAreWrittenAsTheyAre) {
  EXPECT_EQ(cell(""), "");
  EXPECT_EQ(cell("mastodon:1"), "mastodon:1");
  EXPECT_EQ(cell("2026-11-22T10:00:00.000Z"), "2026-11-22T10:00:00.000Z");
  EXPECT_EQ(cell("caf\xc3\xa9 ok"), "caf\xc3\xa9 ok");
  EXPECT_EQ(cell("it's"), "it's");
}

TEST(CsvWriter, CommaQuoteCrAndLfAreQuotedWithQuotesDoubled) {
  EXPECT_EQ(cell("a,b"), "\"a,b\"");
  EXPECT_EQ(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(cell("\""), "\"\"\"\"");
  EXPECT_EQ(cell("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(cell("line1\r\nline2"), "\"line1\r\nline2\"");
}

TEST(CsvWriter, FormulaLikeCellsGetALeadingApostrophe) {
  EXPECT_EQ(cell("=1+1"), "'=1+1");
  EXPECT_EQ(cell("+33 6 12"), "'+33 6 12");
  EXPECT_EQ(cell("-2+3"), "'-2+3");
  EXPECT_EQ(cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(cell("\tx"), "'\tx");
  EXPECT_EQ(cell("-"), "'-");
  EXPECT_EQ(cell("--1"), "'--1");
  EXPECT_EQ(cell("-1."), "'-1.");
  EXPECT_EQ(cell("-1e5"), "'-1e5");
  // Guarded and quoted: the apostrophe goes inside the quotes, first.
  EXPECT_EQ(cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(cell("\r=1"), "\"'\r=1\"");
  // Only the first byte counts.
  EXPECT_EQ(cell("a=1"), "a=1");
  EXPECT_EQ(cell(" =1"), " =1");
}

TEST(CsvWriter, PlainNegativeNumbersStayNumbers) {
  EXPECT_TRUE(csv_formula_like("-"));
  EXPECT_FALSE(csv_formula_like("-0.625"));
  EXPECT_FALSE(csv_formula_like("-12"));
  EXPECT_FALSE(csv_formula_like("0.5"));
  EXPECT_FALSE(csv_formula_like(""));
  EXPECT_EQ(cell("-0.625"), "-0.625");
  EXPECT_EQ(cell("-12"), "-12");
}

TEST(CsvWriter, RowsAreJoinedByCommasAndEndInCrLf) {
  std::string out;
  append_csv_row(out, {"uid", "text"});
  append_csv_row(out, {"x:1", "hello, \"world\"\n=2"});
  append_csv_row(out, {"", ""});
  EXPECT_EQ(out, "uid,text\r\nx:1,\"hello, \"\"world\"\"\n=2\"\r\n,\r\n");
  std::string one;
  append_csv_row(one, {"=x"});
  EXPECT_EQ(one, "'=x\r\n");
}

}  // namespace
}  // namespace carewatch
