/* tensorpool.h - umbrella header: everything a C program needs from libtensorpool. */
#ifndef TENSORPOOL_TENSORPOOL_H
#define TENSORPOOL_TENSORPOOL_H

#include "tensorpool/platform.h"
#include "tensorpool/error.h"
#include "tensorpool/log_error.h"
#include "tensorpool/version.h"
#include "tensorpool/clock.h"
#include "tensorpool/sched.h"
#include "tensorpool/uri.h"
#include "tensorpool/path.h"
#include "tensorpool/superblock.h"
#include "tensorpool/tensor.h"
#include "tensorpool/slot.h"
#include "tensorpool/seqlock.h"
#include "tensorpool/frame_status.h"
#include "tensorpool/tensor_layout.h"
#include "tensorpool/frame.h"
#include "tensorpool/file_view.h"
#include "tensorpool/region.h"
#include "tensorpool/log_layout.h"
#include "tensorpool/log.h"

#endif /* TENSORPOOL_TENSORPOOL_H */
