/* A variadic function pointer cannot be called from C#. */
#include "tensorpool/platform.h"
typedef void (*tp_fixture_logger_t)(const char *format, ...);
TP_EXPORT int tp_fixture_set_logger(tp_fixture_logger_t logger); /* EXPECT-ERROR */
