/* A function in a public header without TP_EXPORT: the shared library does not export it. */
#include "tensorpool/platform.h"
int tp_fixture_hidden(int x); /* EXPECT-ERROR */
