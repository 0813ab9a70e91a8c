/* A tp: annotation the generator does not know is a typo, not something to ignore. */
#include "tensorpool/platform.h"
TP_EXPORT __attribute__((annotate("tp:fast"))) int tp_fixture_fast(void); /* EXPECT-ERROR */
