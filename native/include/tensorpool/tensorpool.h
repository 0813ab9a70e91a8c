/* tensorpool.h - umbrella header: everything a C program needs from libtensorpool. */
#ifndef TENSORPOOL_TENSORPOOL_H
#define TENSORPOOL_TENSORPOOL_H

#include "tensorpool/platform.h"
#include "tensorpool/error.h"
#include "tensorpool/version.h"
#include "tensorpool/log.h"

#endif /* TENSORPOOL_TENSORPOOL_H */
