/* An anonymous struct member (C11) has no name to bind. */
#include "tensorpool/platform.h"
typedef struct tp_point_stct
{
    struct { int32_t x; int32_t y; }; /* EXPECT-ERROR */
} tp_point_t;
