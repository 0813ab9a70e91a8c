/*
 * fuzz_tensor_header - the TensorHeader rules of wire spec §8.2 (ndims, dtype,
 * major order, dims, strides, extent, progress) on fields decoded from a
 * hostile slot. Invariants: an accepted layout fits values_len_bytes, its
 * strides are non-negative and no smaller than the element size.
 */
#include "fuzz_util.h"

#include "tensorpool/frame.h"
#include "tensorpool/tensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t slot[TP_HEADER_SLOT_BYTES];
    memset(slot, 0, sizeof(slot));
    memcpy(slot, data, size < sizeof(slot) ? size : sizeof(slot));
    tp_slot_fields_t fields;
    if (tp_header_slot_decode(&fields, slot) != 0)
    {
        return 0;
    }
    tp_tensor_layout_t layout;
    int32_t status = tp_tensor_layout_resolve(&layout, &fields);
    TP_FUZZ_ASSERT(status >= 0 && status < TP_FRAME_STATUS_COUNT);
    TP_FUZZ_ASSERT(strncmp(tp_frame_status_name(status), "TP_FRAME_", 9) == 0);
    if (status == TP_FRAME_OK)
    {
        TP_FUZZ_ASSERT(fields.ndims >= 1 && fields.ndims <= TP_MAX_DIMS);
        TP_FUZZ_ASSERT(layout.element_bytes == tp_dtype_element_bytes(fields.dtype));
        TP_FUZZ_ASSERT(layout.element_bytes > 0);
        TP_FUZZ_ASSERT(fields.values_len_bytes == 0 || layout.extent_bytes <= fields.values_len_bytes);
        for (uint32_t i = 0; i < fields.ndims; i++)
        {
            TP_FUZZ_ASSERT(fields.dims[i] >= 0);
            TP_FUZZ_ASSERT(layout.strides[i] >= (int32_t)layout.element_bytes);
        }
    }
    return 0;
}
