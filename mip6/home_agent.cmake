# RFC 6275 home-agent logic (binding cache, home registration, timers,
# actions): included from mip6/CMakeLists.txt.
target_sources(mip6 PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/binding_cache.cc
  ${CMAKE_CURRENT_LIST_DIR}/ha_counters.cc
  ${CMAKE_CURRENT_LIST_DIR}/ha_policy.cc
  ${CMAKE_CURRENT_LIST_DIR}/home_agent.cc
)
