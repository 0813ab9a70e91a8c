/* 128-bit integers have no stable C# interop mapping. */
#include "tensorpool/platform.h"
typedef struct tp_wide_stct
{
    __int128 value; /* EXPECT-ERROR */
} tp_wide_t;
