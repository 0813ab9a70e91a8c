/* A struct of more than 16 bytes passed by value. */
#include "tensorpool/platform.h"
typedef struct tp_big_stct { uint64_t a, b, c; } tp_big_t;
TP_EXPORT int tp_fixture_take(tp_big_t big); /* EXPECT-ERROR */
