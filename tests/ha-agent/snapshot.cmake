# Restart without loss (issue #7): binding-cache snapshots. Codec and restore
# rules (pure), the file I/O and the helper-thread writer; the decoder's
# fuzz target and its seed corpus.
if(TARGET ha_snapshot)
  ha_add_test(snapshot_codec_test SOURCES snapshot_codec_test.cc LIBS ha_snapshot_codec)
  ha_add_test(snapshot_restore_test SOURCES snapshot_restore_test.cc LIBS ha_snapshot_codec)
  ha_add_test(snapshot_file_test SOURCES snapshot_file_test.cc LIBS ha_snapshot)
  ha_add_fuzzer(snapshot_decode_fuzz SOURCE ${CMAKE_SOURCE_DIR}/tests/fuzz/snapshot_decode_fuzz.cc
                LIBS ha_snapshot_codec CORPUS ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/snapshot)
  # Not a test: encode/decode/write times for 100,000 bindings (docs/operations.md).
  add_executable(snapshot_bench snapshot_bench.cc)
  target_link_libraries(snapshot_bench PRIVATE ha_snapshot)
endif()
