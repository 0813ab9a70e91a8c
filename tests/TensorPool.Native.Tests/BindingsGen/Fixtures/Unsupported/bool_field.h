/* bool in a shared layout: any byte but 0 or 1 written by another process is undefined behaviour in C. */
#include "tensorpool/platform.h"
typedef struct tp_state_stct
{
    bool ready; /* EXPECT-ERROR */
} tp_state_t;
