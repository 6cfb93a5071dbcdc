# SPDX-License-Identifier: MIT
# -DREPOSCOPE_FUZZ=ON (clang only): every target is compiled with libFuzzer's coverage
# instrumentation plus AddressSanitizer and UndefinedBehaviorSanitizer, and
# tests/fuzz adds one libFuzzer executable per fuzz target (reposcope_fuzz_<name>).
# Off by default; the normal build and the README's commands never need it.
if(NOT REPOSCOPE_FUZZ)
    return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "REPOSCOPE_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
set(REPOSCOPE_SANITIZERS address,undefined)
add_compile_options(-fsanitize=fuzzer-no-link,${REPOSCOPE_SANITIZERS}
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
add_link_options(-fsanitize=${REPOSCOPE_SANITIZERS})
