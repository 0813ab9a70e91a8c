/* A packed struct returned by value. */
#include "tensorpool/platform.h"
typedef struct __attribute__((packed)) tp_odd_stct { uint8_t a; uint32_t b; } tp_odd_t;
TP_EXPORT tp_odd_t tp_fixture_odd(void); /* EXPECT-ERROR */
