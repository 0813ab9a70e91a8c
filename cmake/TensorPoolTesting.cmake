# tp_add_test_executable(name SOURCES ...)
#
# Builds one native test program and registers every `TP_TEST(case_name)` it
# defines as its own ctest test, so ctest reports (and build.sh counts) cases,
# not programs. The sources are scanned at configure time; CMake re-runs when
# they change.
function(tp_add_test_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  tp_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  target_include_directories(${name} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(abs "${src}" ABSOLUTE)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${abs}")
    file(STRINGS "${abs}" lines REGEX "^TP_TEST\\([A-Za-z0-9_]+\\)")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^TP_TEST\\(([A-Za-z0-9_]+)\\).*" "\\1" case "${line}")
      add_test(NAME "${name}.${case}" COMMAND ${name} "${case}")
      set_tests_properties("${name}.${case}" PROPERTIES
        ENVIRONMENT "TP_TEST_SHARED_DIR=${TP_SHARED_DIR}"
        SKIP_RETURN_CODE 77
        TIMEOUT 120)
    endforeach()
  endforeach()
endfunction()

# tp_add_test_variant(name suffix ENV_VAR=value)
#
# Registers every case of the test program `name` again as "<name>_<suffix>.<case>", run with one more environment
# variable: the same tests down a path a test seam forces (e.g. TP_TEST_NO_FUTEX_WAITV=1, the wait without
# futex_waitv). Call after tp_add_test_executable(name ...), in the same directory.
function(tp_add_test_variant name suffix env)
  get_target_property(sources ${name} SOURCES)
  foreach(src IN LISTS sources)
    get_filename_component(abs "${src}" ABSOLUTE)
    file(STRINGS "${abs}" lines REGEX "^TP_TEST\\([A-Za-z0-9_]+\\)")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^TP_TEST\\(([A-Za-z0-9_]+)\\).*" "\\1" case "${line}")
      add_test(NAME "${name}_${suffix}.${case}" COMMAND ${name} "${case}")
      set_tests_properties("${name}_${suffix}.${case}" PROPERTIES
        ENVIRONMENT "TP_TEST_SHARED_DIR=${TP_SHARED_DIR};${env}"
        SKIP_RETURN_CODE 77
        TIMEOUT 120)
    endforeach()
  endforeach()
endfunction()
