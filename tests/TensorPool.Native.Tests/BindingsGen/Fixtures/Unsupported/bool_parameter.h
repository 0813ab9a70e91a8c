/* bool in a signature. */
#include "tensorpool/platform.h"
TP_EXPORT int tp_fixture_enable(bool on); /* EXPECT-ERROR */
