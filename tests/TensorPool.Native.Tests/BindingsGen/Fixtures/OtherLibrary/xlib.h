/* A third-party header in another library's style (as Aeron's aeronc.h): its own prefix, no export macro,
 * bool in signatures, #define constants, and constructs the generator cannot bind. */
#ifndef XLIB_H
#define XLIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define XLIB_NULL_VALUE (-1)
#define XLIB_FLAGS (0x10u)
#define XLIB_BIG (INT64_C(1) << 40)
#define XLIB_PAIR_LENGTH sizeof(xlib_pair_t)
/** The library's name. */
#define XLIB_NAME "xlib"
#define XLIB_ESCAPED "a\"b\\c"
#define XLIB_JOINED "ab" "cd"
#define XLIB_OFFSET(i) ((i) * 8)
#define XLIB_TYPE int
#define XLIB_GUARD
#define OTHER_CONSTANT 5

typedef struct xlib_stct xlib_t;
typedef struct xlib_handle_stct xlib_handle_t;

typedef struct xlib_pair_stct
{
    int32_t a;
    int64_t b;
}
xlib_pair_t;

typedef struct xlib_variant_stct
{
    union
    {
        int32_t i;
        float f;
    } value;
}
xlib_variant_t;

typedef enum xlib_mode_en
{
    XLIB_MODE_FAST,
    XLIB_MODE_SAFE
}
xlib_mode_t;

typedef void (*xlib_vlog_t)(const char *format, va_list args);

int xlib_open(xlib_t **client, const char *name, bool create);
bool xlib_is_open(xlib_t *client);
int xlib_pair_sum(xlib_pair_t *pair, xlib_mode_t mode);
int xlib_variant_get(xlib_variant_t *variant);
int xlib_variant_copy(xlib_variant_t variant);
void xlib_log(const char *format, ...);
int xlib_set_vlog(xlib_vlog_t log);

#endif
