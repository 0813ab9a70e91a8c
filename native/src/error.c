/* error.c - thread-local error code and message stack (see error.h). */
#include "tensorpool/error.h"
#include "tensorpool/log_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { TP_ERRMSG_CAPACITY = 2048 };

static _Thread_local int tp_last_code = TP_OK;
static _Thread_local char tp_last_msg[TP_ERRMSG_CAPACITY];
static _Thread_local size_t tp_last_len = 0;

static const char *tp_basename(const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash != NULL ? slash + 1 : file;
}

/* Append formatted text, truncating (never overflowing) when the buffer is full. */
static void tp_msg_vappend(const char *fmt, va_list args)
{
    if (tp_last_len >= TP_ERRMSG_CAPACITY - 1)
    {
        return;
    }
    int n = vsnprintf(tp_last_msg + tp_last_len, TP_ERRMSG_CAPACITY - tp_last_len, fmt, args);
    if (n > 0)
    {
        size_t added = (size_t)n;
        size_t room = TP_ERRMSG_CAPACITY - 1 - tp_last_len;
        tp_last_len += added < room ? added : room;
    }
}

static void tp_msg_append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tp_msg_append(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    tp_msg_vappend(fmt, args);
    va_end(args);
}

int tp_errcode(void)
{
    return tp_last_code;
}

const char *tp_errmsg(void)
{
    return tp_last_msg;
}

void tp_err_clear(void)
{
    tp_last_code = TP_OK;
    tp_last_len = 0;
    tp_last_msg[0] = '\0';
}

int tp_err_set(int code, const char *func, const char *file, int line, const char *fmt, ...)
{
    tp_last_code = code;
    tp_last_len = 0;
    tp_last_msg[0] = '\0';
    tp_msg_append("(%d) ", code);
    va_list args;
    va_start(args, fmt);
    tp_msg_vappend(fmt, args);
    va_end(args);
    tp_msg_append("\n  at %s (%s:%d)", func, tp_basename(file), line);
    return code;
}

int tp_err_append(const char *func, const char *file, int line, const char *fmt, ...)
{
    tp_msg_append("\n  at %s (%s:%d)", func, tp_basename(file), line);
    if (fmt != NULL && fmt[0] != '\0')
    {
        tp_msg_append(": ");
        va_list args;
        va_start(args, fmt);
        tp_msg_vappend(fmt, args);
        va_end(args);
    }
    return tp_last_code;
}

const char *tp_errname(int code)
{
    switch (code)
    {
        case TP_OK: return "TP_OK";
        case TP_ERR_INVALID_ARGUMENT: return "TP_ERR_INVALID_ARGUMENT";
        case TP_ERR_IO: return "TP_ERR_IO";
        case TP_ERR_NO_MEMORY: return "TP_ERR_NO_MEMORY";
        case TP_ERR_STATE: return "TP_ERR_STATE";
        case TP_ERR_UNSUPPORTED: return "TP_ERR_UNSUPPORTED";
        case TP_ERR_MLOCK: return "TP_ERR_MLOCK";
        case TP_ERR_URI_SCHEME: return "TP_ERR_URI_SCHEME";
        case TP_ERR_URI_SYNTAX: return "TP_ERR_URI_SYNTAX";
        case TP_ERR_URI_PARAM: return "TP_ERR_URI_PARAM";
        case TP_ERR_PATH_NOT_ABSOLUTE: return "TP_ERR_PATH_NOT_ABSOLUTE";
        case TP_ERR_PATH_NOT_CONTAINED: return "TP_ERR_PATH_NOT_CONTAINED";
        case TP_ERR_PATH_INVALID: return "TP_ERR_PATH_INVALID";
        case TP_ERR_NOT_REGULAR_FILE: return "TP_ERR_NOT_REGULAR_FILE";
        case TP_ERR_SYMLINK: return "TP_ERR_SYMLINK";
        case TP_ERR_FILE_CHANGED: return "TP_ERR_FILE_CHANGED";
        case TP_ERR_NOT_FOUND: return "TP_ERR_NOT_FOUND";
        case TP_ERR_HUGEPAGES: return "TP_ERR_HUGEPAGES";
        case TP_ERR_EXISTS: return "TP_ERR_EXISTS";
        case TP_ERR_PERMISSION: return "TP_ERR_PERMISSION";
        case TP_ERR_SIZE: return "TP_ERR_SIZE";
        case TP_ERR_MAGIC: return "TP_ERR_MAGIC";
        case TP_ERR_LAYOUT_VERSION: return "TP_ERR_LAYOUT_VERSION";
        case TP_ERR_NSLOTS: return "TP_ERR_NSLOTS";
        case TP_ERR_STRIDE: return "TP_ERR_STRIDE";
        case TP_ERR_SLOT_BYTES: return "TP_ERR_SLOT_BYTES";
        case TP_ERR_REGION_TYPE: return "TP_ERR_REGION_TYPE";
        case TP_ERR_POOL_ID: return "TP_ERR_POOL_ID";
        case TP_ERR_EPOCH: return "TP_ERR_EPOCH";
        case TP_ERR_STREAM_ID: return "TP_ERR_STREAM_ID";
        case TP_ERR_MISMATCH: return "TP_ERR_MISMATCH";
        case TP_ERR_OWNER: return "TP_ERR_OWNER";
        /* The tp:ipc log (log_error.h) */
        case TP_LOG_ERR_CAPACITY: return "TP_LOG_ERR_CAPACITY";
        case TP_LOG_ERR_MAGIC: return "TP_LOG_ERR_MAGIC";
        case TP_LOG_ERR_VERSION: return "TP_LOG_ERR_VERSION";
        case TP_LOG_ERR_FILE_SIZE: return "TP_LOG_ERR_FILE_SIZE";
        case TP_LOG_ERR_DESCRIPTOR: return "TP_LOG_ERR_DESCRIPTOR";
        case TP_LOG_ERR_CAPACITY_MISMATCH: return "TP_LOG_ERR_CAPACITY_MISMATCH";
        case TP_LOG_ERR_MESSAGE_TOO_LONG: return "TP_LOG_ERR_MESSAGE_TOO_LONG";
        case TP_LOG_ERR_MSG_TYPE: return "TP_LOG_ERR_MSG_TYPE";
        case TP_LOG_ERR_PUBLICATION_LAPPED: return "TP_LOG_ERR_PUBLICATION_LAPPED";
        case TP_LOG_ERR_BUFFER_TOO_SMALL: return "TP_LOG_ERR_BUFFER_TOO_SMALL";
        case TP_LOG_ERR_IN_USE: return "TP_LOG_ERR_IN_USE";
        default: return "TP_ERR_UNKNOWN";
    }
}
