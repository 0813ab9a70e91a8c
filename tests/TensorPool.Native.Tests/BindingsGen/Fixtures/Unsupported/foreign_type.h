/* A type from a system header cannot cross the boundary. */
#include <time.h>
#include "tensorpool/platform.h"
TP_EXPORT int tp_fixture_sleep(const struct timespec *duration); /* EXPECT-ERROR */
