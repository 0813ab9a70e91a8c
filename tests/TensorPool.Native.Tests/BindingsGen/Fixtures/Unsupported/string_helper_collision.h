/* tp_label returns const char *, so its generated helper is tp_label_string: a C function may not take that name. */
#include "tensorpool/platform.h"
TP_EXPORT const char *tp_label(void);
TP_EXPORT int tp_label_string(void); /* EXPECT-ERROR */
