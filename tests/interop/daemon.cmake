# Interop with a running daemon (issue #4): scapy as an independent MN
# registers over ESP with both algorithms; tshark decrypts and decodes.
# Needs root (network namespaces): exit code 77 means skipped, not passed.
add_test(NAME scapy_mn_registers_with_ha_agent
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/scapy_mn_test.py $<TARGET_FILE:ha-agent>
          $<TARGET_FILE:ha-agentctl>)
set_tests_properties(scapy_mn_registers_with_ha_agent PROPERTIES
  LABELS "interop;netns" TIMEOUT 120 SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
