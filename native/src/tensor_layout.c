/* tensor_layout.c - tensor layout rules: strides, extent, progress (wire spec §8.2, §15.8; see tensor_layout.h). */
#include "tensorpool/tensor_layout.h"

#include "tensorpool/error.h"

/* §8.2: progress_stride_bytes must be non-zero and equal the true row (dim 0) or column (dim 1) stride. */
static int32_t tp_tensor_check_progress(const tp_tensor_layout_t *layout, const tp_slot_fields_t *header)
{
    switch (header->progress_unit)
    {
        case TP_PROGRESS_UNIT_NONE:
            return TP_FRAME_OK;
        case TP_PROGRESS_UNIT_ROWS:
            return (header->progress_stride_bytes != 0 &&
                       header->progress_stride_bytes == (uint32_t)layout->strides[0])
                       ? TP_FRAME_OK
                       : TP_FRAME_DROP_PROGRESS_STRIDE;
        case TP_PROGRESS_UNIT_COLUMNS:
            return (header->progress_stride_bytes != 0 && header->ndims >= 2 &&
                       header->progress_stride_bytes == (uint32_t)layout->strides[1])
                       ? TP_FRAME_OK
                       : TP_FRAME_DROP_PROGRESS_STRIDE;
        default:
            return TP_FRAME_DROP_PROGRESS_UNIT;
    }
}

int32_t tp_tensor_layout_resolve(tp_tensor_layout_t *out, const tp_slot_fields_t *header)
{
    if (out == NULL || header == NULL)
    {
        return TP_ERR_INVALID_ARGUMENT;
    }
    for (int i = 0; i < TP_MAX_DIMS; i++)
    {
        out->strides[i] = 0;
    }
    out->extent_bytes = 0;
    out->element_bytes = 0;
    out->reserved = 0;

    uint32_t ndims = header->ndims;
    if (ndims == 0 || ndims > TP_MAX_DIMS)
    {
        return TP_FRAME_DROP_NDIMS;
    }
    uint32_t element_bytes = tp_dtype_element_bytes(header->dtype);
    if (element_bytes == 0)
    {
        return TP_FRAME_DROP_DTYPE;
    }
    int row = header->major_order == TP_MAJOR_ORDER_ROW;
    if (!row && header->major_order != TP_MAJOR_ORDER_COLUMN)
    {
        return TP_FRAME_DROP_MAJOR_ORDER;
    }
    int empty = 0;
    for (uint32_t i = 0; i < ndims; i++)
    {
        if (header->dims[i] < 0)
        {
            return TP_FRAME_DROP_DIMS_NEGATIVE;
        }
        if (header->strides[i] < 0)
        {
            return TP_FRAME_DROP_STRIDES_NEGATIVE;
        }
        empty |= header->dims[i] == 0;
    }

    /*
     * Walk from the fastest-varying dimension outwards. `required` is the
     * smallest stride that neither overlaps the dimensions inside it nor
     * contradicts major_order; a stride of 0 takes exactly that value.
     * required <= 2^31 * 2^31, so u64 cannot overflow.
     */
    uint64_t required = element_bytes;
    uint64_t extent = element_bytes;
    for (uint32_t k = 0; k < ndims; k++)
    {
        uint32_t d = row ? ndims - 1 - k : k;
        uint64_t stride = header->strides[d] != 0 ? (uint64_t)header->strides[d] : required;
        if (stride < required || stride > (uint64_t)INT32_MAX)
        {
            return TP_FRAME_DROP_STRIDES_LAYOUT;
        }
        out->strides[d] = (int32_t)stride;
        uint64_t dim = (uint64_t)header->dims[d];
        if (dim > 0)
        {
            extent += (dim - 1) * stride;
        }
        required = stride * (dim > 0 ? dim : 1);
    }
    out->element_bytes = element_bytes;
    out->extent_bytes = empty ? 0 : extent;

    /* §8.2: values_len_bytes = 0 is valid and the payload is never read, so only a non-empty payload bounds it. */
    if (header->values_len_bytes != 0 && out->extent_bytes > header->values_len_bytes)
    {
        return TP_FRAME_DROP_EXTENT;
    }
    return tp_tensor_check_progress(out, header);
}
