/* A header clang cannot compile. */
#include "tensorpool/platform.h"
TP_EXPORT int tp_fixture_broken(int x, ); /* EXPECT-ERROR */
