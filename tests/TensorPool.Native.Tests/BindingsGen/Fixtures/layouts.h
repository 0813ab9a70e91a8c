/* layouts.h - struct layouts the generator must reproduce exactly (fixture for the generator tests). */
#ifndef FIXTURE_LAYOUTS_H
#define FIXTURE_LAYOUTS_H

#include "tensorpool/platform.h"
#include "enums.h"

/* Natural alignment with padding: 1 + 7 pad + 8 + 2 + 2 pad + 4 = 24 bytes. */
typedef struct tp_natural_stct
{
    uint8_t flag;      /* offset 0 */
    uint64_t value;    /* offset 8 */
    int16_t small;
    uint32_t last;
} tp_natural_t;

/* Every scalar a layout may hold. */
typedef struct tp_scalars_stct
{
    char c;
    signed char sc;
    unsigned char uc;
    int8_t i8;
    uint8_t u8;
    int16_t i16;
    uint16_t u16;
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    int i;
    unsigned int ui;
    long l;
    unsigned long ul;
    long long ll;
    unsigned long long ull;
    size_t size;
    uintptr_t uptr;
    intptr_t iptr;
    ptrdiff_t diff;
    float f;
    double d;
    tp_fixture_small_t small_enum;
    tp_fixture_access_t access;
} tp_scalars_t;

/* SBE-style packed bytes: no padding at all. */
typedef struct __attribute__((packed)) tp_wire_stct
{
    uint8_t kind;
    uint64_t epoch;    /* offset 1: unaligned */
    uint16_t pool_id;
    int32_t dims[4];   /* a fixed array of primitives */
} tp_wire_t;

/* Arrays: primitives become fixed buffers, structs/enums/pointers inline arrays, 2-D arrays flatten. */
typedef struct tp_arrays_stct
{
    char name[16];
    double matrix[2][3];
    tp_natural_t items[2];
    tp_fixture_color_t colors[3];
    uint8_t *rows[4];
    size_t lengths[2];
} tp_arrays_t;

/* A struct inside a struct, and a packed struct inside a natural one. */
typedef struct tp_outer_stct
{
    uint32_t count;
    tp_natural_t inner;
    tp_wire_t wire;
    float ratio;
} tp_outer_t;

/* An over-aligned member: C# has no alignment attribute, so this one needs explicit offsets. */
typedef struct tp_aligned_stct
{
    uint32_t head;
    _Alignas(16) uint64_t line;
    uint8_t tail;
} tp_aligned_t;

/* Packed, then aligned as a whole: offsets of a packed struct, size rounded to 4. */
typedef struct __attribute__((packed, aligned(4))) tp_packed_aligned_stct
{
    uint8_t a;
    uint32_t b;
    uint8_t c;
} tp_packed_aligned_t;

#pragma pack(push, 2)
/* #pragma pack(2): clang reports alignment 2, which is the Pack C# needs. */
typedef struct tp_pragma_packed_stct
{
    uint8_t a;
    uint64_t b;
    uint16_t c;
} tp_pragma_packed_t;
#pragma pack(pop)

/* A struct known only by its tag (no typedef). */
struct tp_tag_only
{
    int32_t x;
    int32_t y;
};

/* An anonymous struct named by its typedef. */
typedef struct
{
    uint16_t width;
    uint16_t height;
} tp_extent_t;

typedef void (*tp_fixture_callback_t)(void *clientd, const uint8_t *buffer, size_t length);

/* Pointers of every kind in a struct. */
typedef struct tp_pointers_stct
{
    void *clientd;
    const char *label;          /* a string inside a struct stays a byte pointer */
    tp_fixture_callback_t on_data;
    int32_t (*on_close)(void *clientd);
    struct tp_tag_only *tagged;
    tp_extent_t extent;
} tp_pointers_t;

#endif
