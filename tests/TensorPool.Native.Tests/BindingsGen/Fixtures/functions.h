/* functions.h - exported functions of every supported shape (fixture for the generator tests). */
#ifndef FIXTURE_FUNCTIONS_H
#define FIXTURE_FUNCTIONS_H

#include "tensorpool/platform.h"
#include "enums.h"
#include "layouts.h"

/* An opaque handle: declared, never defined. */
typedef struct tp_widget_stct tp_widget_t;

/* Create a widget named `name`; the output parameter comes first. */
TP_EXPORT int tp_widget_create(tp_widget_t **widget, const char *name, uint32_t flags);

/* Close a widget; NULL is accepted. */
TP_EXPORT int tp_widget_close(tp_widget_t *widget);

/* The widget's name, owned by the library. */
TP_EXPORT const char *tp_widget_name(const tp_widget_t *widget);

/* Copy the name into a caller's buffer: char * out is a byte buffer, not a string. */
TP_EXPORT int tp_widget_copy_name(const tp_widget_t *widget, char *out, uint32_t capacity);

/* A trivial accessor: gets [SuppressGCTransition]. */
TP_EXPORT TP_TRIVIAL uint64_t tp_widget_count(const tp_widget_t *widget);

TP_EXPORT TP_TRIVIAL void tp_fixture_store(uint64_t *word, uint64_t value);

/* Callbacks through a typedef and spelled inline. */
TP_EXPORT int tp_widget_poll(tp_widget_t *widget, tp_fixture_callback_t handler, void *clientd,
    int32_t (*on_error)(int32_t code, const char *message));

/* Structs by pointer and small structs by value. */
TP_EXPORT int tp_natural_fill(tp_natural_t *out, const tp_wire_t *wire);
TP_EXPORT tp_extent_t tp_extent_make(uint16_t width, uint16_t height);
TP_EXPORT uint32_t tp_extent_area(tp_extent_t extent);

/* Enums, native-sized integers, floating point, pointers to pointers. */
TP_EXPORT int32_t tp_fixture_mix(tp_fixture_color_t color, size_t length, ptrdiff_t delta, double scale, float ratio,
    const uint8_t *const *rows, int64_t *out);

/* Parameters named like C# keywords, and one without a name. */
TP_EXPORT int tp_fixture_keywords(int32_t base, uint32_t string, int64_t);

/* Not bound: C-only conveniences. */
TP_EXPORT int tp_fixture_log(const char *format, ...);

static inline int tp_fixture_inline_helper(int x)
{
    return x + 1;
}

#endif
