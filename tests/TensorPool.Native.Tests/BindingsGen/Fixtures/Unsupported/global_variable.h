/* Exported variables cannot be bound with [LibraryImport]. */
#include "tensorpool/platform.h"
TP_EXPORT extern int32_t tp_fixture_counter; /* EXPECT-ERROR */
