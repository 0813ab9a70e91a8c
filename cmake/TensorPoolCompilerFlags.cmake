# Compiler settings for every native target: C11, strict warnings as errors,
# hidden visibility (exports are marked TP_EXPORT), optional sanitizers.
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)
set(CMAKE_C_VISIBILITY_PRESET hidden)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

function(tp_target_defaults target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wpointer-arith -Wcast-align -Wformat=2 -Wvla -Wno-unused-parameter)
  # POSIX 2008 plus the Linux extras we rely on (O_NOFOLLOW, statfs, futex, ...).
  target_compile_definitions(${target} PRIVATE _GNU_SOURCE)
  if(TP_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
