/*
 * file_view_internal.h - the file-type classification of file_view.c, shared
 * with region.c so every message of the library names file types one way.
 */
#ifndef TENSORPOOL_FILE_VIEW_INTERNAL_H
#define TENSORPOOL_FILE_VIEW_INTERNAL_H

#include <sys/types.h>

#include "tensorpool/file_view.h"

/* The tp_file_type_t of a stat mode. */
tp_file_type_t tp_file_type_of_mode(mode_t mode);

#endif /* TENSORPOOL_FILE_VIEW_INTERNAL_H */
