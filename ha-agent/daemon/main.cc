// ha-agent: the Mobile IPv6 home-agent reliability daemon.
//   ha-agent --config FILE [--foreground]
//   ha-agent --check-config FILE
//   ha-agent --version | --help
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "conf/load.h"
#include "ha-agent/daemon/daemon.h"
#include "ha-agent/daemon/security_setup.h"
#include "ha-agent/version.h"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: ha-agent --config FILE [--foreground]\n"
    "       ha-agent --check-config FILE\n"
    "       ha-agent --version | --help\n"
    "\n"
    "Mobile IPv6 home agent (RFC 6275) with home-agent redundancy.\n"
    "\n"
    "  --config FILE        run with this configuration (Protobuf text format,\n"
    "                       schema conf/ha_agent.proto, example docs/ha-agent.conf.example)\n"
    "  --foreground         stay in the foreground and log as configured (stderr or\n"
    "                       syslog); without it ha-agent detaches once set up, reporting\n"
    "                       set-up errors before it does (use --foreground under systemd)\n"
    "  --check-config FILE  validate the file, the key files it names and the user of\n"
    "                       `privileges`; print every error as\n"
    "                       file:line:column: field: message; exit 0 if valid, 1 if not\n"
    "  --version            print the version\n"
    "  --help               this text\n"
    "\n"
    "Set-up opens every socket, netlink handle, the nftables table, the TUN device,\n"
    "the admin socket and the metrics listener (`metrics` section), then switches to\n"
    "the user of the `privileges` section keeping only CAP_NET_ADMIN and CAP_NET_RAW.\n"
    "Under systemd (NOTIFY_SOCKET set) it reports READY=1, STOPPING=1 and STATUS=\n"
    "(dist/systemd/ha-agent.service); the admin console is ha-agentctl.\n"
    "\n"
    "Signals: SIGTERM or SIGINT stop cleanly (kernel state ha-agent installed is removed);\n"
    "SIGHUP reloads the --config file in place, like `ha-agentctl reload`: it is\n"
    "validated completely first, an invalid file or a change that needs a restart\n"
    "leaves the running configuration as it is (errors are logged), see\n"
    "docs/operations.md \"Reload\".\n"
    "With snapshot_path set, SIGTERM/SIGINT first write the binding cache to it (also\n"
    "every snapshot_interval_s); the next start restores it (docs/operations.md\n"
    "\"Restart without loss\").\n"
    "Exit status: 0 clean stop, 1 bad configuration or set-up failure, 2 bad usage.\n";

// Reads a whole file; errors name it.
mip6::Result<std::string, std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return mip6::fail(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return mip6::fail(path + ": read error");
  return ss.str();
}

mip6::Result<conf::Config, std::string> load_config(const std::string& path, bool print_errors) {
  auto text = read_file(path);
  if (!text) return mip6::fail(text.error());
  auto cfg = conf::load(*text, path);
  if (!cfg) {
    if (print_errors)
      for (const auto& e : cfg.error()) std::cerr << e.to_string() << "\n";
    return mip6::fail(std::to_string(cfg.error().size()) + " error(s) in " + path);
  }
  return std::move(cfg).value();
}

int check_config(const std::string& path) {
  auto cfg = load_config(path, true);
  if (!cfg) {
    std::cerr << cfg.error() << "\n";
    return 1;
  }
  // The key files are part of a valid configuration: load every one.
  ha_agent::SecuritySetup s;
  if (auto st = ha_agent::add_mobile_nodes(s, *cfg, std::chrono::steady_clock::now()); !st) {
    std::cerr << path << ": " << st.error() << "\n";
    return 1;
  }
  // So is a user that exists (the daemon switches to it after set-up).
  if (cfg->privileges) {
    if (auto who = ha_agent::resolve_run_as(*cfg->privileges); !who) {
      std::cerr << path << ": " << who.error() << "\n";
      return 1;
    }
  }
  std::cout << conf::describe(*cfg) << path << ": valid\n";
  return 0;
}

// Detaches after set-up. The parent waits for the child's verdict on a pipe
// so that set-up errors still reach the terminal and the exit status.
int run_detached(conf::Config cfg, const std::string& path) {
  int pipefd[2];
  if (::pipe(pipefd) < 0) {
    std::perror("pipe");
    return 1;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    return 1;
  }
  if (pid > 0) {
    ::close(pipefd[1]);
    std::string verdict;
    char buf[256];
    ssize_t n;
    while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) verdict.append(buf, n);
    if (verdict == "ok") return 0;
    std::cerr << "ha-agent: " << (verdict.empty() ? "failed to start" : verdict) << "\n";
    return 1;
  }
  ::close(pipefd[0]);
  ::setsid();
  auto d = ha_agent::Daemon::create(std::move(cfg), {path});
  std::string verdict = d ? "ok" : d.error();
  (void)::write(pipefd[1], verdict.data(), verdict.size());
  ::close(pipefd[1]);
  if (!d) return 1;
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, 0), ::dup2(devnull, 1), ::dup2(devnull, 2);
    if (devnull > 2) ::close(devnull);
  }
  (*d)->run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts;
  opts.add_options()("config", po::value<std::string>())("foreground", po::bool_switch())(
      "check-config", po::value<std::string>())("version", po::bool_switch())("help", po::bool_switch());
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(opts).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "ha-agent: " << e.what() << "\n" << kUsage;
    return 2;
  }
  if (vm["help"].as<bool>()) {
    std::cout << kUsage;
    return 0;
  }
  if (vm["version"].as<bool>()) {
    std::cout << "ha-agent " << ha_agent::kVersion << "\n";
    return 0;
  }
  if (vm.count("check-config")) return check_config(vm["check-config"].as<std::string>());
  if (!vm.count("config")) {
    std::cerr << "ha-agent: --config FILE is required\n" << kUsage;
    return 2;
  }
  const auto path = vm["config"].as<std::string>();
  // Absolute: a reload (SIGHUP, ha-agentctl reload) re-reads this path.
  std::error_code abs_ec;
  const auto abs_path = std::filesystem::absolute(path, abs_ec);
  const auto daemon_path = abs_ec ? path : abs_path.lexically_normal().string();
  auto cfg = load_config(path, true);
  if (!cfg) {
    std::cerr << "ha-agent: " << cfg.error() << "\n";
    return 1;
  }
  if (!vm["foreground"].as<bool>()) return run_detached(std::move(cfg).value(), daemon_path);
  auto d = ha_agent::Daemon::create(std::move(cfg).value(), {daemon_path});
  if (!d) {
    std::cerr << "ha-agent: " << d.error() << "\n";
    return 1;
  }
  (*d)->run();
  return 0;
}
