// Per-binding kernel work, off the path of the protocol (issue #6): the
// /128 route, the kernel proxy NDP entries and the unsolicited Neighbor
// Advertisements of a home address (RFC 6275 §10.4.1) cost tens of µs each
// (a netlink round trip, a send). A takeover adopts thousands of bindings
// in one step; doing their kernel work there held the one event loop for
// ~84 µs per binding (0.84 s for 10,000, measured: docs/PERFORMANCE.md), so
// no Home Agent Switch went out and no Hello was sent or read meanwhile,
// and with short hellos the peers declared this HA dead. So the work goes
// into a FIFO: a few items run at once (an ordinary registration keeps its
// route before the next packet is read), a backlog runs in batches of
// kKernelWorkBatch between I/O events. Order is kept (an install queued
// before a removal of the same address runs first), an install whose
// binding is gone by then is skipped, and the user-space proxy ND table is
// changed at once (it costs a hash insert, and NS must be answered).
#include <boost/asio/post.hpp>

#include "ha-agent/daemon/daemon.h"

namespace ha_agent {
namespace {

constexpr std::size_t kKernelWorkInline = 8;  // at most this many run at once
constexpr std::size_t kKernelWorkBatch = 64;  // then per turn of the loop

}  // namespace

void Daemon::queue_kernel_work(const mip6::Ipv6Address& home_address,
                               const std::optional<mip6::Ipv6Address>& link_local, bool install) {
  if (config_.proxy_nd_in_user_space) {
    if (install)
      user_space_proxy_.add(home_address, link_local.has_value());
    else
      user_space_proxy_.remove(home_address);
  }
  kernel_work_.push_back({home_address, link_local, install});
}

void Daemon::flush_kernel_work() {
  if (kernel_work_posted_) return;  // a batch is coming: keep the order
  if (harp_batch_depth_ > 0) return;  // inside apply_harp: it flushes at its end
  if (kernel_work_.size() <= kKernelWorkInline) {
    run_kernel_work(kernel_work_.size());
    return;
  }
  kernel_work_posted_ = true;
  boost::asio::post(io_, [this] {
    kernel_work_posted_ = false;
    if (stopping_) return;
    {
      LoopWatch::Scope held(loop_watch_, LoopWatch::Work::kKernelBatch);
      run_kernel_work(kKernelWorkBatch);
    }
    if (!kernel_work_.empty()) flush_kernel_work();
  });
}

void Daemon::run_kernel_work(std::size_t max) {
  for (std::size_t n = 0; n < max && !kernel_work_.empty(); ++n) {
    const KernelWork w = kernel_work_.front();
    kernel_work_.pop_front();
    if (w.install) {
      // Deregistered or released while queued: nothing to install (its
      // removal, if any, is behind it in the queue).
      if (!ha_->bindings().find(w.home_address)) {
        kernel_work_skipped_->inc();
        continue;
      }
      install_home_address(w.home_address, w.link_local);
    } else {
      remove_home_address(w.home_address, w.link_local);
    }
    kernel_work_done_->inc();
  }
  kernel_work_queued_->set(kernel_work_.size());
}

void Daemon::install_home_address(const mip6::Ipv6Address& home_address,
                                  const std::optional<mip6::Ipv6Address>& link_local) {
  for (const auto& addr : {std::optional(home_address), link_local}) {
    if (!addr) continue;
    if (!config_.proxy_nd_in_user_space) add_kernel_proxy_nd(*addr);
    send_neighbor_advertisements(*addr);
    na_repeats_.push_back({Clock::now() + std::chrono::seconds(1), *addr, home_address, 2});
  }
  if (auto r = kernel_->add_host_route({home_address, route_interface_, std::nullopt, 1024}); !r)
    HA_LOG(log_kernel_, kWarning) << "route for " << home_address.to_string() << ": "
                                  << r.error().to_string();
}

void Daemon::remove_home_address(const mip6::Ipv6Address& home_address,
                                 const std::optional<mip6::Ipv6Address>& link_local) {
  if (!config_.proxy_nd_in_user_space)
    for (const auto& addr : {std::optional(home_address), link_local})
      if (addr) remove_kernel_proxy_nd(*addr);
  if (auto r = kernel_->remove_host_route({home_address, route_interface_, std::nullopt, 1024}); !r)
    HA_LOG(log_kernel_, kWarning) << "removing route for " << home_address.to_string() << ": "
                                  << r.error().to_string();
}

}  // namespace ha_agent
