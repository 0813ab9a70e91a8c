/* bool as a return type. */
#include "tensorpool/platform.h"
TP_EXPORT bool tp_fixture_is_ready(void); /* EXPECT-ERROR */
