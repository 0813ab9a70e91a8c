/* version.c - version strings injected by CMake from Version.props. */
#include "tensorpool/version.h"

const char *tp_version(void)
{
    return TP_VERSION_STRING;
}

uint32_t tp_version_number(void)
{
    return ((uint32_t)TP_VERSION_MAJOR << 16) | ((uint32_t)TP_VERSION_MINOR << 8) | (uint32_t)TP_VERSION_PATCH;
}
