# Mobile-node side (RFC 6275 §11.7, RFC 5142 §6) for mn-emu and simulations:
# included from mip6/CMakeLists.txt.
target_sources(mip6 PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/mobile_node.cc
  ${CMAKE_CURRENT_LIST_DIR}/mobile_node_set.cc
)
