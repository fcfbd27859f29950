# Tests of mip6/binding_cache and mip6/home_agent: included from
# tests/mip6/CMakeLists.txt.
ha_add_test(mip6_home_agent_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/home_agent_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/home_agent_timer_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/binding_cache_test.cc
  LIBS mip6)
