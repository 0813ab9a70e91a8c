/* Two C types that map to the same C# name. */
#include "tensorpool/platform.h"
typedef struct tp_thing_stct { int32_t a; } tp_thing_t;
typedef struct thing_stct { int32_t b; } thing_t; /* EXPECT-ERROR */
