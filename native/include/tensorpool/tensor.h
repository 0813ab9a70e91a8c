/*
 * tensor.h - the enum and type registry of the TensorHeader (wire spec §15.8).
 *
 * The numeric values are normative and MUST NOT change within v1.x. Unknown
 * values (and UNKNOWN itself, which declares nothing a reader can use) make a
 * frame invalid: consumers drop it rather than guess (§15.8).
 */
#ifndef TENSORPOOL_TENSOR_H
#define TENSORPOOL_TENSOR_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

enum
{
    TP_MAX_DIMS = 8 /* MAX_DIMS of v1.2 (§8.2); a change needs a new layout_version */
};

/* Dtype (i16 on the wire). 12 is unassigned. */
typedef enum tp_dtype_en
{
    TP_DTYPE_UNKNOWN = 0,
    TP_DTYPE_UINT8 = 1,
    TP_DTYPE_INT8 = 2,
    TP_DTYPE_UINT16 = 3,
    TP_DTYPE_INT16 = 4,
    TP_DTYPE_UINT32 = 5,
    TP_DTYPE_INT32 = 6,
    TP_DTYPE_UINT64 = 7,
    TP_DTYPE_INT64 = 8,
    TP_DTYPE_FLOAT32 = 9,
    TP_DTYPE_FLOAT64 = 10,
    TP_DTYPE_BOOLEAN = 11,
    TP_DTYPE_BYTES = 13,
    TP_DTYPE_BIT = 14
} tp_dtype_t;

/* MajorOrder (i16 on the wire). */
typedef enum tp_major_order_en
{
    TP_MAJOR_ORDER_UNKNOWN = 0,
    TP_MAJOR_ORDER_ROW = 1,
    TP_MAJOR_ORDER_COLUMN = 2
} tp_major_order_t;

/* ProgressUnit (u8 on the wire). */
typedef enum tp_progress_unit_en
{
    TP_PROGRESS_UNIT_NONE = 0,
    TP_PROGRESS_UNIT_ROWS = 1,
    TP_PROGRESS_UNIT_COLUMNS = 2
} tp_progress_unit_t;

/*
 * Bytes per element of a dtype, 0 for UNKNOWN and unassigned values.
 * BIT and BOOLEAN occupy one byte per element, as the reference lays them
 * out (byte strides cannot address single bits).
 */
TP_EXPORT TP_TRIVIAL uint32_t tp_dtype_element_bytes(int32_t dtype);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_TENSOR_H */
