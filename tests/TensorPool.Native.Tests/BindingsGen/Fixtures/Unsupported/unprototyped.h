/* An unprototyped declaration (C11: empty parentheses mean "unspecified arguments"). */
#include "tensorpool/platform.h"
TP_EXPORT int tp_fixture_old_style(); /* EXPECT-ERROR */
