# Tests of the daemon shell parts written by the lead (included from
# tests/ha-agent/CMakeLists.txt): packet I/O filter, admin RPC, logging.
ha_add_test(af_packet_filter_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/af_packet_filter_test.cc LIBS ha_io)
ha_add_test(admin_rpc_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/admin_rpc_test.cc LIBS ha_admin)
ha_add_test(log_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/log_test.cc LIBS ha_log)
ha_add_fuzzer(admin_rpc_fuzz SOURCE ${CMAKE_SOURCE_DIR}/tests/fuzz/admin_rpc_fuzz.cc LIBS ha_admin
              CORPUS ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/admin_rpc)
ha_add_test(signalling_path_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/signalling_path_test.cc LIBS ha_daemon)
add_test(NAME ha_agent_check_config
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_config_test.py $<TARGET_FILE:ha-agent>)
set_tests_properties(ha_agent_check_config PROPERTIES LABELS unit TIMEOUT 60)
