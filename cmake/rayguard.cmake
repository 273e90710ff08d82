# Helpers that give every rayguard target the same flags.

set(RAYGUARD_WARNINGS -Wall -Wextra -Werror)

# GCC 12 reports false -Wrestrict positives on inlined std::string
# concatenation and replace (GCC bug 105329), also from valijson's headers.
# Targets that trip it add this; clang has no such warning.
set(RAYGUARD_NO_FALSE_RESTRICT "")
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(RAYGUARD_NO_FALSE_RESTRICT -Wno-restrict)
endif()

# rayguard_module(NAME <name> SOURCES <files...> DEPS <targets...>)
# One static library per webhook/ folder, named rayguard_<name>. DEPS lists
# the only libraries the module may use; that is how the layering is enforced.
function(rayguard_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(rayguard_${M_NAME} STATIC ${M_SOURCES})
  target_include_directories(rayguard_${M_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(rayguard_${M_NAME} PRIVATE ${RAYGUARD_WARNINGS})
  target_link_libraries(rayguard_${M_NAME} PUBLIC ${M_DEPS})
endfunction()

# rayguard_test(NAME <name> SOURCES <files...> DEPS <targets...> [LABELS <l...>])
# A GoogleTest binary registered with CTest. Tests find fixtures through
# RAYGUARD_SOURCE_DIR and the built binary through RAYGUARD_BINARY.
function(rayguard_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_compile_options(${T_NAME} PRIVATE ${RAYGUARD_WARNINGS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} rayguard_testing GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
endfunction()

# Applies RAYGUARD_SANITIZE to everything built after this call. The
# sanitizer runtimes come from Debian's libclang-rt-14-dev (clang) or gcc.
function(rayguard_enable_sanitizers)
  if(NOT RAYGUARD_SANITIZE)
    return()
  endif()
  # Line tables are all a sanitizer report's stack needs, and much cheaper
  # to compile and link than full debug info.
  set(debug -g)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    set(debug -gline-tables-only)
  endif()
  set(flags -fsanitize=${RAYGUARD_SANITIZE} -fno-omit-frame-pointer ${debug})
  if(RAYGUARD_SANITIZE MATCHES "undefined")
    # A UB report must fail the test, not scroll past.
    list(APPEND flags -fno-sanitize-recover=all)
  endif()
  add_compile_options(${flags})
  add_link_options(${flags})
endfunction()
