/* enums.h - enums and constants of several underlying types (fixture for the generator tests). */
#ifndef FIXTURE_ENUMS_H
#define FIXTURE_ENUMS_H

#include "tensorpool/platform.h"

/* Non-negative values: clang gives the enum unsigned int. */
typedef enum tp_fixture_color_en
{
    TP_FIXTURE_COLOR_RED = 0,
    TP_FIXTURE_COLOR_GREEN = 1,
    TP_FIXTURE_COLOR_BLUE = 2
} tp_fixture_color_t;

/* A negative value: int. The members share TP_FIXTURE_ACCESS_READ_, but only TP_FIXTURE_ACCESS_ is the enum's. */
typedef enum tp_fixture_access_en
{
    TP_FIXTURE_ACCESS_READ_ONLY = 0,
    TP_FIXTURE_ACCESS_READ_WRITE = 1,
    TP_FIXTURE_ACCESS_INVALID_ARG = -1   /* trailing comment on a member */
} tp_fixture_access_t;

/* packed: the smallest type that holds the values. */
typedef enum __attribute__((packed)) tp_fixture_small_en
{
    TP_FIXTURE_SMALL_A = 1,
    TP_FIXTURE_SMALL_B = 200
} tp_fixture_small_t;

typedef enum __attribute__((packed)) tp_fixture_signed_small_en
{
    TP_FIXTURE_SIGNED_SMALL_LOW = -100,
    TP_FIXTURE_SIGNED_SMALL_HIGH = 100
} tp_fixture_signed_small_t;

/* A 64-bit enumerator, and an enum known by its tag only. */
enum tp_fixture_magic_en
{
    TP_FIXTURE_MAGIC = 0x544F504C53484D31ULL
};

typedef enum tp_fixture_wide_en
{
    TP_FIXTURE_WIDE_MIN = -5000000000LL,
    TP_FIXTURE_WIDE_MAX = 5000000000LL
} tp_fixture_wide_t;

/* Members after the prefix would start with a digit: the prefix stays shorter. */
typedef enum tp_fixture_depth_en
{
    TP_FIXTURE_DEPTH_8BIT = 8,
    TP_FIXTURE_DEPTH_16BIT = 16
} tp_fixture_depth_t;

enum
{
    TP_FIXTURE_SLOT_BYTES = 256, /* a plain int constant */
    TP_FIXTURE_NEGATIVE = -7,

    /* Offsets: a section comment belongs to the first constant only */
    TP_FIXTURE_OFFSET_A = 0,
    TP_FIXTURE_OFFSET_B = 8
};

enum
{
    TP_FIXTURE_BIG = 0x100000000  /* needs 64 bits: clang gives it a wider type */
};

#endif
