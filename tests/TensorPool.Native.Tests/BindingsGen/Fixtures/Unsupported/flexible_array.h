/* A flexible array member has no size. */
#include "tensorpool/platform.h"
typedef struct tp_record_stct
{
    uint32_t length;
    uint8_t data[]; /* EXPECT-ERROR */
} tp_record_t;
