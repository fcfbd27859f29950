# Tests and fuzz target of mip6/ipv6_packet and mip6/icmpv6_nd: included from
# tests/mip6/CMakeLists.txt.
ha_add_test(mip6_ipv6_packet_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/ipv6_packet_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/ipv6_packet_malformed_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/icmpv6_nd_test.cc
  LIBS mip6)
ha_add_fuzzer(ipv6_packet_fuzz
  SOURCE ${CMAKE_SOURCE_DIR}/tests/fuzz/ipv6_packet_fuzz.cc
  LIBS mip6
  CORPUS ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/ipv6_packet)
