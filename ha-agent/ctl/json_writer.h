// JsonWriter: a tiny streaming JSON writer for ha-agentctl's machine-readable
// output (one object per command). It tracks commas and nesting, escapes
// strings per RFC 8259 §7, and writes compact JSON on one line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ha_agent::ctl {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(bool b);
  JsonWriter& null();

  // key(k).value(v) in one call.
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    if constexpr (std::is_same_v<T, bool>) {
      return value(v);
    } else if constexpr (std::is_integral_v<T>) {
      return value(static_cast<std::int64_t>(v));
    } else {
      return value(std::string_view(v));
    }
  }

  const std::string& str() const { return out_; }

  static std::string escape(std::string_view s);

 private:
  void before_value();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace ha_agent::ctl
