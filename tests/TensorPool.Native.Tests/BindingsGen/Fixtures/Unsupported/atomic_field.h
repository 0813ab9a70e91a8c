/* _Atomic has no defined layout for C#; shared words are plain integers with the platform.h accessors. */
#include "tensorpool/platform.h"
typedef struct tp_counter_stct
{
    _Atomic uint64_t value; /* EXPECT-ERROR */
} tp_counter_t;
