# Helpers shared by every module's CMakeLists.txt.

# ha_add_test(NAME SOURCES a.cc b.cc LIBS x y [LABELS l1 l2])
# A GoogleTest executable registered with CTest, one CTest entry per test case.
function(ha_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  set(labels unit)
  if(T_LABELS)
    set(labels ${T_LABELS})
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${labels}" DISCOVERY_TIMEOUT 60)
endfunction()

# ha_add_fuzzer(NAME SOURCE src.cc LIBS x y CORPUS dir)
# With HA_AGENT_FUZZ: a libFuzzer binary. Otherwise: the same entry point
# linked with a small driver that replays every file of the seed corpus, so
# the seeds run as a regression test in every ordinary build.
function(ha_add_fuzzer name)
  cmake_parse_arguments(F "" "SOURCE;CORPUS" "LIBS" ${ARGN})
  if(HA_AGENT_FUZZ)
    add_executable(${name} ${F_SOURCE})
    target_link_libraries(${name} PRIVATE ${F_LIBS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    add_dependencies(fuzzers ${name})
    set_property(GLOBAL APPEND PROPERTY HA_FUZZERS "${name}=${F_CORPUS}")
  else()
    add_executable(${name}_replay ${F_SOURCE} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.cc)
    target_link_libraries(${name}_replay PRIVATE ${F_LIBS})
    add_test(NAME ${name}_seeds COMMAND ${name}_replay ${F_CORPUS})
    set_tests_properties(${name}_seeds PROPERTIES LABELS "unit;fuzz-seeds")
  endif()
endfunction()
