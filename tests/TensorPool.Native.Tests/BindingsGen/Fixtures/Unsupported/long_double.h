/* long double has no C# counterpart. */
#include "tensorpool/platform.h"
TP_EXPORT int tp_fixture_precise(long double value); /* EXPECT-ERROR */
