/*
 * log_error.h - the error codes of the tp:ipc log (log.h), -100..-149.
 *
 * Codes only, so error.c can name them (tp_errname) without depending on
 * the log: core codes are in error.h, the ranges are listed there.
 */
#ifndef TENSORPOOL_LOG_ERROR_H
#define TENSORPOOL_LOG_ERROR_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_log_error_en
{
    TP_LOG_ERR_CAPACITY = -100,            /* capacity not a power of two or outside [MIN, MAX] (argument or file) */
    TP_LOG_ERR_MAGIC = -101,               /* the file does not start with the log magic */
    TP_LOG_ERR_VERSION = -102,             /* unsupported layout version */
    TP_LOG_ERR_FILE_SIZE = -103,           /* file size disagrees with the descriptor (truncated, extended, empty) */
    TP_LOG_ERR_DESCRIPTOR = -104,          /* another descriptor field is inconsistent (lengths, alignment, max message) */
    TP_LOG_ERR_CAPACITY_MISMATCH = -105,   /* the file's capacity differs from the one asked for */
    TP_LOG_ERR_MESSAGE_TOO_LONG = -106,    /* payload longer than tp_log_max_message_length */
    TP_LOG_ERR_MSG_TYPE = -107,            /* negative message types are reserved */
    TP_LOG_ERR_PUBLICATION_LAPPED = -108,  /* the publisher fell so far behind its own claim that it abandoned it */
    TP_LOG_ERR_BUFFER_TOO_SMALL = -109,    /* copy-out buffer shorter than the message; the message stays pending */
    TP_LOG_ERR_IN_USE = -110               /* closing a log that still has publications or subscriptions */
} tp_log_error_t;

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_LOG_ERROR_H */
