/* version.h - the library version, from Version.props through CMake. */
#ifndef TENSORPOOL_VERSION_H
#define TENSORPOOL_VERSION_H

#include "tensorpool/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "MAJOR.MINOR.PATCH" of the loaded library. */
TP_EXPORT const char *tp_version(void);

/* (MAJOR << 16) | (MINOR << 8) | PATCH, for a cheap compatibility check by bindings. */
TP_EXPORT uint32_t tp_version_number(void);

#ifdef __cplusplus
}
#endif

#endif /* TENSORPOOL_VERSION_H */
