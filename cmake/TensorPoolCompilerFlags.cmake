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
  if(TP_SANITIZE_THREAD)
    # ThreadSanitizer for the concurrent parts (the tp:ipc log, the seqlock): build.sh test runs their tests with it.
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
    if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
      # gcc warns that TSan does not model standalone fences; the fences pair with atomic accesses it does model.
      target_compile_options(${target} PRIVATE -Wno-tsan)
    endif()
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
  if(TP_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
