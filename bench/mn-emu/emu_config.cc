// Parsing and validation of the mn-emu configuration (emu_config.h).
#include "bench/mn-emu/emu_config.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "bench/mn-emu/mn_emu.pb.h"

namespace mnemu {
namespace {

namespace pb = haagent::mnemu;

class Errors {
 public:
  explicit Errors(std::string file) : file_(std::move(file)) {}
  void add(const std::string& where, const std::string& what) {
    if (list_.size() < kMax) list_.push_back(file_ + ": " + where + ": " + what);
    else ++suppressed_;
  }
  bool empty() const { return list_.empty(); }
  ConfigErrors take() {
    if (suppressed_) list_.push_back(file_ + ": ... and " + std::to_string(suppressed_) + " more errors");
    return std::move(list_);
  }

 private:
  static constexpr std::size_t kMax = 50;
  std::string file_;
  ConfigErrors list_;
  std::size_t suppressed_ = 0;
};

class SyntaxErrors final : public google::protobuf::io::ErrorCollector {
 public:
  explicit SyntaxErrors(Errors& e) : e_(e) {}
  void AddError(int line, google::protobuf::io::ColumnNumber col, const std::string& msg) override {
    e_.add("line " + std::to_string(line + 1) + " column " + std::to_string(col + 1), msg);
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

 private:
  Errors& e_;
};

std::optional<mip6::Ipv6Address> unicast(Errors& e, const std::string& where, bool has,
                                         const std::string& text) {
  if (!has) {
    e.add(where, "required");
    return std::nullopt;
  }
  auto a = mip6::Ipv6Address::parse(text);
  if (!a) {
    e.add(where, "\"" + text + "\" is not an IPv6 address");
    return std::nullopt;
  }
  if (a->is_unspecified() || a->is_multicast() || a->is_link_local() ||
      *a == *mip6::Ipv6Address::parse("::1")) {
    e.add(where, a->to_string() + " is not a global unicast address");
    return std::nullopt;
  }
  return a;
}

bool spi_ok(Errors& e, const std::string& where, bool has, std::uint32_t spi) {
  if (!has) {
    e.add(where, "required");
    return false;
  }
  if (spi < 256) {  // RFC 4303 §2.1: 0 is local, 1..255 reserved
    e.add(where, "SPI " + std::to_string(spi) + " is below 256 (RFC 4303 §2.1)");
    return false;
  }
  return true;
}

std::optional<KeyRef> key_ref(Errors& e, const std::string& where, bool has_file,
                              const std::string& file, bool has_index, std::uint32_t index,
                              const std::string& base_dir) {
  if (!has_file || file.empty()) {
    e.add(where, "required");
    return std::nullopt;
  }
  KeyRef k;
  k.path = (file[0] == '/' || base_dir.empty()) ? file : base_dir + "/" + file;
  if (has_index) k.index = index;
  return k;
}

bool in_range(Errors& e, const std::string& where, std::uint64_t v, std::uint64_t lo,
              std::uint64_t hi) {
  if (v >= lo && v <= hi) return true;
  e.add(where, std::to_string(v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
  return false;
}

void build_timers(const pb::Timers& t, Errors& e, EmuConfig& c) {
  bool ok = in_range(e, "timers.initial_bindack_timeout_ms", t.initial_bindack_timeout_ms(), 1, 600000);
  ok = in_range(e, "timers.initial_bindack_timeout_first_reg_ms",
                t.initial_bindack_timeout_first_reg_ms(), 1, 600000) && ok;
  ok = in_range(e, "timers.max_bindack_timeout_ms", t.max_bindack_timeout_ms(), 1, 600000) && ok;
  in_range(e, "timers.refresh_permille", t.refresh_permille(), 1, 1000);
  if (ok && (t.max_bindack_timeout_ms() < t.initial_bindack_timeout_ms() ||
             t.max_bindack_timeout_ms() < t.initial_bindack_timeout_first_reg_ms()))
    e.add("timers.max_bindack_timeout_ms", "smaller than an initial timeout");
  using std::chrono::milliseconds;
  c.timers.initial_bindack_timeout = milliseconds(t.initial_bindack_timeout_ms());
  c.timers.initial_bindack_timeout_first_reg = milliseconds(t.initial_bindack_timeout_first_reg_ms());
  c.timers.max_bindack_timeout = milliseconds(t.max_bindack_timeout_ms());
  c.timers.refresh_permille = t.refresh_permille();
}

}  // namespace

mip6::Result<EmuConfig, ConfigErrors> parse_emu_config(std::string_view text,
                                                       const std::string& file_name,
                                                       const std::string& base_dir) {
  Errors e(file_name);
  pb::MnEmuConfig m;
  SyntaxErrors collector(e);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  if (!parser.Parse(&input, &m)) {
    if (e.empty()) e.add("file", "syntax error");
    return mip6::fail(e.take());
  }

  EmuConfig c;
  build_timers(m.timers(), e, c);
  if (in_range(e, "lifetime_s", m.lifetime_s(), 4, 262140)) c.lifetime_s = m.lifetime_s();
  if (in_range(e, "registration_rate_per_s", m.registration_rate_per_s(), 1, 10000000))
    c.registration_rate_per_s = m.registration_rate_per_s();
  if (in_range(e, "deregistration_rate_per_s", m.deregistration_rate_per_s(), 1, 10000000))
    c.deregistration_rate_per_s = m.deregistration_rate_per_s();
  if (in_range(e, "initial_sequence", m.initial_sequence(), 0, 65535))
    c.initial_sequence = static_cast<std::uint16_t>(m.initial_sequence());
  c.interfaces.assign(m.interface().begin(), m.interface().end());
  c.harp = m.harp();
  c.nft_guard = m.nft_guard();
  c.alternate_coa = m.alternate_coa();
  c.nft_table = m.nft_table();
  bool table_ok = !c.nft_table.empty() && c.nft_table.size() <= 32;
  for (char ch : c.nft_table) table_ok = table_ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
  if (!table_ok) e.add("nft_table", "must be 1..32 characters of [A-Za-z0-9_]");

  if (m.mobile_node_size() == 0) e.add("mobile_node", "at least one mobile node is required");
  std::unordered_set<mip6::Ipv6Address> hoas, coas;
  std::unordered_map<std::uint32_t, std::string> spi_in_used;
  std::unordered_set<std::string> ha_spi_out_used;
  c.mobile_nodes.reserve(static_cast<std::size_t>(m.mobile_node_size()));
  for (int i = 0; i < m.mobile_node_size(); ++i) {
    const auto& mn = m.mobile_node(i);
    const std::string w = "mobile_node[" + std::to_string(i) + "]";
    MnConfig out;
    if (auto a = unicast(e, w + ".home_address", mn.has_home_address(), mn.home_address())) {
      if (!hoas.insert(*a).second) e.add(w + ".home_address", a->to_string() + " is used by another mobile node");
      out.home_address = *a;
    }
    if (auto a = unicast(e, w + ".care_of_address", mn.has_care_of_address(), mn.care_of_address())) {
      out.care_of_address = *a;
      if (coas.insert(*a).second) c.care_of_addresses.push_back(*a);
    }
    if (mn.home_agent_size() == 0) e.add(w + ".home_agent", "at least one home agent is required");
    for (int j = 0; j < mn.home_agent_size(); ++j) {
      const auto& h = mn.home_agent(j);
      const std::string hw = w + ".home_agent[" + std::to_string(j) + "]";
      HaSaConfig sa;
      if (auto a = unicast(e, hw + ".address", h.has_address(), h.address())) {
        sa.address = *a;
        for (const auto& prev : out.home_agents)
          if (prev.address == *a) e.add(hw + ".address", a->to_string() + " is listed twice for this MN");
      }
      if (spi_ok(e, hw + ".spi_in", h.has_spi_in(), h.spi_in())) {
        auto [it, fresh] = spi_in_used.emplace(h.spi_in(), hw);
        if (!fresh) e.add(hw + ".spi_in", "SPI " + std::to_string(h.spi_in()) + " is also used by " + it->second);
        sa.spi_in = h.spi_in();
      }
      if (spi_ok(e, hw + ".spi_out", h.has_spi_out(), h.spi_out())) {
        if (!ha_spi_out_used.insert(h.address() + "/" + std::to_string(h.spi_out())).second)
          e.add(hw + ".spi_out", "SPI " + std::to_string(h.spi_out()) + " is used twice towards " + h.address());
        sa.spi_out = h.spi_out();
      }
      if (!h.has_algorithm()) e.add(hw + ".algorithm", "required");
      else if (auto alg = crypto::parse_esp_algorithm(h.algorithm())) sa.algorithm = *alg;
      else e.add(hw + ".algorithm", "unknown ESP algorithm \"" + h.algorithm() + "\"");
      if (auto k = key_ref(e, hw + ".key_file_out", h.has_key_file_out(), h.key_file_out(),
                           h.has_key_index_out(), h.key_index_out(), base_dir))
        sa.key_out = *k;
      if (auto k = key_ref(e, hw + ".key_file_in", h.has_key_file_in(), h.key_file_in(),
                           h.has_key_index_in(), h.key_index_in(), base_dir))
        sa.key_in = *k;
      sa.esn = h.esn();
      if (in_range(e, hw + ".replay_window", h.replay_window(), 64, 4096)) sa.replay_window = h.replay_window();
      out.home_agents.push_back(std::move(sa));
    }
    c.mobile_nodes.push_back(std::move(out));
  }
  if (!e.empty()) return mip6::fail(e.take());
  return c;
}

mip6::Result<EmuConfig, ConfigErrors> load_emu_config(const std::string& path) {
  std::ifstream f(path);
  if (!f) return mip6::fail(ConfigErrors{path + ": cannot open"});
  std::stringstream ss;
  ss << f.rdbuf();
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  return parse_emu_config(ss.str(), path, dir);
}

}  // namespace mnemu
