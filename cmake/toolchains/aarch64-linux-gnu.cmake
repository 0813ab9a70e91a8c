# Cross-compiles libtensorpool for linux-arm64 (Jetson-class devices) with Debian's
# aarch64 toolchain: apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross.
#
#   cmake -S . -B build/native-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
#
# When qemu-user is installed (qemu-aarch64), ctest runs the native test programs
# under it, with the cross sysroot as the emulated root (-L), so the suite runs on
# an x86-64 build machine. Without it the programs build but ctest cannot run them.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(TP_AARCH64_TRIPLE aarch64-linux-gnu)
set(TP_AARCH64_SYSROOT "/usr/${TP_AARCH64_TRIPLE}" CACHE PATH "Root of the aarch64 libraries (libc6-dev-arm64-cross)")
set(CMAKE_C_COMPILER "${TP_AARCH64_TRIPLE}-gcc")

# Libraries and headers come from the cross root only; programs (the emulator) from the host.
set(CMAKE_FIND_ROOT_PATH "${TP_AARCH64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

find_program(TP_QEMU_AARCH64 qemu-aarch64)
if(TP_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${TP_QEMU_AARCH64};-L;${TP_AARCH64_SYSROOT}")
endif()
