/* A union: layouts and signatures must not hold unions. */
#include "tensorpool/platform.h"
typedef union tp_bits_un { uint32_t word; float real; } tp_bits_t; /* EXPECT-ERROR */
