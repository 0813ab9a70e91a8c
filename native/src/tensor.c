/* tensor.c - the dtype registry (wire spec §15.8; see tensor.h). */
#include "tensorpool/tensor.h"

uint32_t tp_dtype_element_bytes(int32_t dtype)
{
    switch (dtype)
    {
        case TP_DTYPE_UINT8:
        case TP_DTYPE_INT8:
        case TP_DTYPE_BOOLEAN:
        case TP_DTYPE_BYTES:
        case TP_DTYPE_BIT:
            return 1;
        case TP_DTYPE_UINT16:
        case TP_DTYPE_INT16:
            return 2;
        case TP_DTYPE_UINT32:
        case TP_DTYPE_INT32:
        case TP_DTYPE_FLOAT32:
            return 4;
        case TP_DTYPE_UINT64:
        case TP_DTYPE_INT64:
        case TP_DTYPE_FLOAT64:
            return 8;
        default:
            return 0; /* UNKNOWN and unassigned values: §15.8 rejects them */
    }
}
