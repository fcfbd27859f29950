# Tests of the mobile-node logic (mip6/mobile_node*.h): included from
# tests/mip6/CMakeLists.txt.
ha_add_test(mip6_mobile_node_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/mobile_node_test.cc
  LIBS mip6)
