// The text/event-stream framing: data lines split on every kind of line break, the event name
// kept to one line, comments and the retry field.
#include "daemon/api/sse_frame.h"

#include <gtest/gtest.h>

namespace carewatch {
namespace {

TEST(SseFrame, OneLineEvent) {
  EXPECT_EQ(sse_event("queues", R"({"queues":[]})"), "event: queues\ndata: {\"queues\":[]}\n\n");
}

TEST(SseFrame, DataIsSplitOnLfCrAndCrlf) {
  EXPECT_EQ(sse_event("mention", "a\nb\r\nc\rd"), "event: mention\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(sse_event("m", "end\n"), "event: m\ndata: end\ndata: \n\n");
  EXPECT_EQ(sse_event("m", ""), "event: m\ndata: \n\n");
}

TEST(SseFrame, NameCannotStartAnotherField) {
  EXPECT_EQ(sse_event("a\ndata: x", "y"), "event: adata: x\ndata: y\n\n");
  EXPECT_EQ(sse_event("", "y"), "data: y\n\n");
}

TEST(SseFrame, CommentAndRetry) {
  EXPECT_EQ(sse_comment("ping"), ": ping\n\n");
  EXPECT_EQ(sse_comment("a\nb"), ": a\n: b\n\n");
  EXPECT_EQ(sse_retry(2000), "retry: 2000\n\n");
}

}  // namespace
}  // namespace carewatch
