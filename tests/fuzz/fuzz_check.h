// A failed invariant inside a fuzz target: print what was wrong and abort, so the fuzzer saves
// the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>

#define CW_FUZZ_CHECK(cond, what)                                                   \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "invariant failed: %s (%s:%d): %s\n", #cond, __FILE__,   \
                   __LINE__, what);                                                 \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)
