# IPv6 framing (header, RH2, Destination Options/HAO) and ICMPv6 Neighbor
# Discovery: included from mip6/CMakeLists.txt (owned by the MH codec).
target_sources(mip6 PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ipv6_packet.cc
  ${CMAKE_CURRENT_LIST_DIR}/icmpv6_nd.cc
)
