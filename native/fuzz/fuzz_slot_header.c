/*
 * fuzz_slot_header - a 256-byte header slot (SlotHeader + embedded
 * TensorHeader, wire spec §8.1-§8.2) decoded from mapped memory. Invariants:
 * decoding never reads past the slot; a decoded slot whose ndims fits writes
 * back and decodes to the same fields.
 */
#include "fuzz_util.h"

#include "tensorpool/slot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *slot = malloc(TP_HEADER_SLOT_BYTES);
    if (slot == NULL)
    {
        return 0;
    }
    memset(slot, 0, TP_HEADER_SLOT_BYTES);
    memcpy(slot, data, size < TP_HEADER_SLOT_BYTES ? size : TP_HEADER_SLOT_BYTES);

    tp_slot_fields_t fields;
    int rc = tp_header_slot_decode(&fields, slot);
    if (rc == 0)
    {
        int w = tp_header_slot_write(slot, &fields);
        if (fields.ndims <= TP_MAX_DIMS)
        {
            TP_FUZZ_ASSERT(w == 0);
            tp_slot_fields_t back;
            TP_FUZZ_ASSERT(tp_header_slot_decode(&back, slot) == 0);
            TP_FUZZ_ASSERT(back.values_len_bytes == fields.values_len_bytes);
            TP_FUZZ_ASSERT(back.payload_slot == fields.payload_slot);
            TP_FUZZ_ASSERT(back.ndims == fields.ndims);
            TP_FUZZ_ASSERT(back.dtype == fields.dtype);
            TP_FUZZ_ASSERT(memcmp(back.dims, fields.dims, sizeof(int32_t) * fields.ndims) == 0);
            TP_FUZZ_ASSERT(memcmp(back.strides, fields.strides, sizeof(int32_t) * fields.ndims) == 0);
        }
        else
        {
            TP_FUZZ_ASSERT(w < 0);
        }
        tp_header_slot_write_frame(slot, &fields);
    }
    free(slot);
    return 0;
}
