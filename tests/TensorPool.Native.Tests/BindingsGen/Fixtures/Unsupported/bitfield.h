/* A bit-field: C leaves its layout to the compiler. */
#include "tensorpool/platform.h"
typedef struct tp_flags_stct
{
    uint32_t ready : 1; /* EXPECT-ERROR */
    uint32_t rest;
} tp_flags_t;
