/*
 * tensor_layout.h - the tensor a slot header describes, resolved and checked
 * (wire spec §8.2, §15.8): what a consumer checks before reading a payload
 * (frame.h) and a producer before publishing one.
 *
 * Stride rules (§8.2), walking dimensions from the fastest-varying one
 * (the last for ROW, the first for COLUMN): a stride of 0 is inferred as the
 * contiguous value; every stride must be at least the element size (the
 * innermost) or the previous stride times the previous extent (treating an
 * extent of 0 as 1), which is exactly "non-overlapping and consistent with
 * major_order". ROWS progress uses the stride of dimension 0, COLUMNS the
 * stride of dimension 1 (as the reference implementation). With
 * values_len_bytes == 0 the payload is never read (§8.2), so EXTENT is not
 * checked.
 */
#ifndef TENSORPOOL_TENSOR_LAYOUT_H
#define TENSORPOOL_TENSOR_LAYOUT_H

#include "tensorpool/frame_status.h"
#include "tensorpool/platform.h"
#include "tensorpool/slot.h"
#include "tensorpool/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The resolved layout of a tensor inside its payload slot. */
typedef struct tp_tensor_layout_stct
{
    int32_t strides[TP_MAX_DIMS];  /* effective byte strides (zeros inferred), 0 beyond ndims */
    uint64_t extent_bytes;         /* bytes from element 0 to one past the last element; 0 when a dim is 0 */
    uint32_t element_bytes;        /* tp_dtype_element_bytes(dtype) */
    uint32_t reserved;
} tp_tensor_layout_t;

TP_STATIC_ASSERT(sizeof(tp_tensor_layout_t) == 48, "tp_tensor_layout_t has no implicit padding");

/*
 * Resolve and check the tensor part of `header` (ndims, dtype, major order,
 * dims, strides, extent against values_len_bytes, progress). Producers can
 * call it before writing. Returns TP_FRAME_OK or a drop reason; a negative
 * code for NULL arguments.
 */
TP_EXPORT int32_t tp_tensor_layout_resolve(tp_tensor_layout_t *out, const tp_slot_fields_t *header);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_TENSOR_LAYOUT_H */
