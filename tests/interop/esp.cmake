# ESP interop with scapy (tests/interop/esp_scapy_test.py, interop.md §1.4).
# Included from tests/interop/CMakeLists.txt; esp_tool is built by
# tests/crypto/CMakeLists.txt.
add_test(NAME esp_scapy_interop
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/esp_scapy_test.py $<TARGET_FILE:esp_tool>)
set_tests_properties(esp_scapy_interop PROPERTIES LABELS interop TIMEOUT 120)
