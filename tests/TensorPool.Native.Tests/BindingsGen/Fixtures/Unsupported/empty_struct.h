/* An empty struct (a GNU extension) has size 0 in C and 1 in C#. */
#include "tensorpool/platform.h"
struct tp_nothing { }; /* EXPECT-ERROR */
