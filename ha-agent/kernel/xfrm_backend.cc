#include "ha-agent/kernel/xfrm_backend.h"

#include <arpa/inet.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/xfrm/lifetime.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/selector.h>
#include <netlink/xfrm/sp.h>
#include <netlink/xfrm/template.h>

#include <cstring>
#include <memory>

namespace kernel {
namespace {

struct SaDeleter {
  void operator()(xfrmnl_sa* s) const { xfrmnl_sa_put(s); }
};
struct SpDeleter {
  void operator()(xfrmnl_sp* s) const { xfrmnl_sp_put(s); }
};
struct SelDeleter {
  void operator()(xfrmnl_sel* s) const { xfrmnl_sel_put(s); }
};
struct LtimeDeleter {
  void operator()(xfrmnl_ltime_cfg* l) const { xfrmnl_ltime_cfg_put(l); }
};
struct MsgDeleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using SaPtr = std::unique_ptr<xfrmnl_sa, SaDeleter>;
using SpPtr = std::unique_ptr<xfrmnl_sp, SpDeleter>;
using SelPtr = std::unique_ptr<xfrmnl_sel, SelDeleter>;
using LtimePtr = std::unique_ptr<xfrmnl_ltime_cfg, LtimeDeleter>;
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

KernelError no_memory(std::string_view what) {
  return KernelError{KernelErrc::kNetlink, ENOMEM, std::string(what) + ": out of memory"};
}

// RFC 4301 §4.4.2.1 lifetimes; 0 means "no limit", which XFRM spells
// XFRM_INF for byte/packet counts (a 0 limit would expire at once) and 0
// for seconds.
std::uint64_t xfrm_limit(std::uint64_t v) {
  return v == 0 ? XFRM_INF : v;
}

LtimePtr make_lifetime(const crypto::SaLifetime& soft, const crypto::SaLifetime& hard) {
  LtimePtr l(xfrmnl_ltime_cfg_alloc());
  if (!l) return l;
  xfrmnl_ltime_cfg_set_soft_bytelimit(l.get(), xfrm_limit(soft.bytes));
  xfrmnl_ltime_cfg_set_hard_bytelimit(l.get(), xfrm_limit(hard.bytes));
  xfrmnl_ltime_cfg_set_soft_packetlimit(l.get(), xfrm_limit(soft.packets));
  xfrmnl_ltime_cfg_set_hard_packetlimit(l.get(), xfrm_limit(hard.packets));
  xfrmnl_ltime_cfg_set_soft_addexpires(l.get(), soft.seconds);
  xfrmnl_ltime_cfg_set_hard_addexpires(l.get(), hard.seconds);
  xfrmnl_ltime_cfg_set_soft_useexpires(l.get(), 0);
  xfrmnl_ltime_cfg_set_hard_useexpires(l.get(), 0);
  return l;
}

const char* key_chars(const std::uint8_t* p) {
  return static_cast<const char*>(static_cast<const void*>(p));
}

KernelResult<SaPtr> build_sa(const crypto::SaParams& p) {
  const EspTransform t = esp_transform(p.algorithm);
  SaPtr sa(xfrmnl_sa_alloc());
  NlAddrPtr src = make_nl_addr(p.source);
  NlAddrPtr dst = make_nl_addr(p.destination);
  LtimePtr lft = make_lifetime(p.soft_lifetime, p.hard_lifetime);
  if (!sa || !src || !dst || !lft) return mip6::fail(no_memory("build SA"));
  xfrmnl_sa_set_family(sa.get(), AF_INET6);
  xfrmnl_sa_set_saddr(sa.get(), src.get());
  xfrmnl_sa_set_daddr(sa.get(), dst.get());
  xfrmnl_sa_set_proto(sa.get(), IPPROTO_ESP);
  xfrmnl_sa_set_spi(sa.get(), p.spi);
  xfrmnl_sa_set_mode(sa.get(), XFRM_MODE_TRANSPORT);  // RFC 3776 §4: transport mode
  xfrmnl_sa_set_lifetime_cfg(sa.get(), lft.get());
  const std::uint8_t* key = p.key.view().data();
  int rc = 0;
  if (t.aead) {
    rc = xfrmnl_sa_set_aead_params(sa.get(), t.aead_name, t.aead_key_bits, t.icv_bits,
                                   key_chars(key));
  } else {
    rc = xfrmnl_sa_set_crypto_params(sa.get(), t.cipher_name, t.cipher_key_bits, key_chars(key));
    if (rc == 0) {
      rc = xfrmnl_sa_set_auth_params(sa.get(), t.auth_name, t.auth_key_bits, t.auth_trunc_bits,
                                     key_chars(key + t.cipher_key_bits / 8));
    }
  }
  if (rc != 0) return mip6::fail(no_memory("set SA algorithm"));
  // Anti-replay (RFC 4303 §3.4.3). The legacy xfrm_usersa_info window is a
  // 32-bit bitmap; larger windows and ESN (§2.2.1) need XFRMA_REPLAY_ESN_VAL,
  // and then the legacy field must stay 0 (xfrm_user verify_replay()).
  unsigned flags = p.extended_sequence_numbers ? XFRM_STATE_ESN : 0;
  if (!p.extended_sequence_numbers && p.replay_window <= 32) {
    xfrmnl_sa_set_replay_window(sa.get(), p.replay_window);
  } else {
    unsigned bmp_len = (p.replay_window + 31) / 32;
    std::vector<unsigned> bmp(bmp_len == 0 ? 1 : bmp_len, 0);
    if (xfrmnl_sa_set_replay_state_esn(sa.get(), 0, 0, 0, 0, p.replay_window, bmp_len,
                                       bmp.data()) != 0) {
      return mip6::fail(no_memory("set SA replay state"));
    }
  }
  xfrmnl_sa_set_flags(sa.get(), flags);
  return sa;
}

bool is_absent(const KernelError& e) {
  return e.code == KernelErrc::kNotFound;
}

// The UAPI selector the kernel compares on lookup (struct xfrm_selector).
xfrm_selector kernel_selector(const XfrmSelector& s) {
  xfrm_selector k;
  std::memset(&k, 0, sizeof k);
  std::memcpy(&k.saddr.a6, s.source.address.data(), 16);
  std::memcpy(&k.daddr.a6, s.destination.address.data(), 16);
  k.family = AF_INET6;
  k.prefixlen_s = static_cast<std::uint8_t>(s.source.length);
  k.prefixlen_d = static_cast<std::uint8_t>(s.destination.length);
  k.proto = s.protocol;
  if (s.mh_type) {  // kernel: MH type lives in the sport field for proto 135
    k.sport = htons(*s.mh_type);
    k.sport_mask = 0xffff;
  }
  return k;
}

KernelResult<SelPtr> build_selector(const XfrmSelector& s) {
  SelPtr sel(xfrmnl_sel_alloc());
  NlAddrPtr src = make_nl_addr(s.source.address, s.source.length);
  NlAddrPtr dst = make_nl_addr(s.destination.address, s.destination.length);
  if (!sel || !src || !dst) return mip6::fail(no_memory("build selector"));
  xfrmnl_sel_set_family(sel.get(), AF_INET6);
  xfrmnl_sel_set_saddr(sel.get(), src.get());
  xfrmnl_sel_set_daddr(sel.get(), dst.get());
  xfrmnl_sel_set_prefixlen_s(sel.get(), s.source.length);
  xfrmnl_sel_set_prefixlen_d(sel.get(), s.destination.length);
  xfrmnl_sel_set_proto(sel.get(), s.protocol);
  if (s.mh_type) {
    xfrmnl_sel_set_sport(sel.get(), *s.mh_type);  // libnl converts to network order
    xfrmnl_sel_set_sportmask(sel.get(), 0xffff);
  }
  return sel;
}

KernelResult<SpPtr> build_policy(const XfrmPolicy& p) {
  auto sel = build_selector(p.selector);
  if (!sel) return mip6::fail(sel.error());
  SpPtr sp(xfrmnl_sp_alloc());
  LtimePtr lft = make_lifetime({}, {});
  if (!sp || !lft) return mip6::fail(no_memory("build policy"));
  xfrmnl_sp_set_sel(sp.get(), sel->get());
  xfrmnl_sp_set_lifetime_cfg(sp.get(), lft.get());
  xfrmnl_sp_set_dir(sp.get(),
                    p.direction == PolicyDirection::kIn ? XFRM_POLICY_IN : XFRM_POLICY_OUT);
  xfrmnl_sp_set_action(sp.get(),
                       p.action == PolicyAction::kBlock ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW);
  xfrmnl_sp_set_priority(sp.get(), p.priority);
  if (p.action == PolicyAction::kRequireEsp) {
    // RFC 3776 §5: MH must arrive / leave through ESP in transport mode.
    xfrmnl_user_tmpl* t = xfrmnl_user_tmpl_alloc();
    NlAddrPtr ts = make_nl_addr(p.template_source.value_or(mip6::Ipv6Address{}));
    NlAddrPtr td = make_nl_addr(p.template_destination.value_or(mip6::Ipv6Address{}));
    if (t == nullptr || !ts || !td) {
      if (t != nullptr) xfrmnl_user_tmpl_free(t);
      return mip6::fail(no_memory("build policy template"));
    }
    xfrmnl_user_tmpl_set_family(t, AF_INET6);
    xfrmnl_user_tmpl_set_saddr(t, ts.get());
    xfrmnl_user_tmpl_set_daddr(t, td.get());
    xfrmnl_user_tmpl_set_proto(t, IPPROTO_ESP);
    xfrmnl_user_tmpl_set_mode(t, XFRM_MODE_TRANSPORT);
    xfrmnl_user_tmpl_set_reqid(t, p.reqid);
    xfrmnl_user_tmpl_set_spi(t, p.template_spi);  // 0: any SA (host order; libnl converts)
    xfrmnl_user_tmpl_set_optional(t, 0);  // level required
    xfrmnl_user_tmpl_set_aalgos(t, ~0u);  // any algorithm, as iproute2 does
    xfrmnl_user_tmpl_set_ealgos(t, ~0u);
    xfrmnl_user_tmpl_set_calgos(t, ~0u);
    xfrmnl_sp_add_usertemplate(sp.get(), t);  // the policy owns it now
  }
  if (p.accept_home_address_option) {
    // `tmpl proto hao mode ro level use`, after the ESP template: the
    // kernel matches templates last-first against the sec_path, where the
    // hao state comes first (it is processed before ESP). Measured in the
    // stock kernel (mip6_xfrm.h).
    xfrmnl_user_tmpl* t = xfrmnl_user_tmpl_alloc();
    NlAddrPtr any = make_nl_addr(mip6::Ipv6Address{});
    NlAddrPtr any2 = make_nl_addr(mip6::Ipv6Address{});
    if (t == nullptr || !any || !any2) {
      if (t != nullptr) xfrmnl_user_tmpl_free(t);
      return mip6::fail(no_memory("build policy hao template"));
    }
    xfrmnl_user_tmpl_set_family(t, AF_INET6);
    xfrmnl_user_tmpl_set_saddr(t, any.get());
    xfrmnl_user_tmpl_set_daddr(t, any2.get());
    xfrmnl_user_tmpl_set_proto(t, IPPROTO_DSTOPTS);
    xfrmnl_user_tmpl_set_mode(t, XFRM_MODE_ROUTEOPTIMIZATION);
    xfrmnl_user_tmpl_set_optional(t, 1);  // level use
    xfrmnl_user_tmpl_set_aalgos(t, ~0u);
    xfrmnl_user_tmpl_set_ealgos(t, ~0u);
    xfrmnl_user_tmpl_set_calgos(t, ~0u);
    xfrmnl_sp_add_usertemplate(sp.get(), t);
  }
  return sp;
}

// libnl 3.7's xfrmnl_sp_parse() (and xfrmnl_sa_parse() before libnl
// PR #312) builds each selector address with refcount 1 and then hands it
// to xfrmnl_sel_set_*addr(), which takes a second reference: the address
// leaks when the cache is freed (36 bytes per address, seen with LSan).
// Our dump caches are private, so a selector address still shared when we
// are done is held only by that stray reference; drop it. A fixed libnl
// leaves the count at 1 and this does nothing.
void drop_parser_extra_ref(xfrmnl_sel* sel) {
  if (sel == nullptr) return;
  for (nl_addr* a : {xfrmnl_sel_get_saddr(sel), xfrmnl_sel_get_daddr(sel)}) {
    if (a != nullptr && nl_addr_shared(a)) nl_addr_put(a);
  }
}

template <class T>
T* object_as(nl_object* o) {
  // libnl object model: every object type begins with the common header.
  return static_cast<T*>(static_cast<void*>(o));
}

}  // namespace

KernelResult<XfrmBackend> XfrmBackend::open() {
  auto s = NetlinkSocket::open(NETLINK_XFRM);
  if (!s) return mip6::fail(s.error());
  return XfrmBackend(std::move(*s));
}

KernelStatus XfrmBackend::send_sa(const crypto::SaParams& p, bool update) {
  const std::string what = std::string(update ? "update" : "install") + " SA spi 0x" +
                           [&] {
                             char b[9];
                             std::snprintf(b, sizeof b, "%08x", p.spi);
                             return std::string(b);
                           }() +
                           " " + p.source.to_string() + " -> " + p.destination.to_string() + " " +
                           esp_transform(p.algorithm).describe();
  if (auto v = validate_sa(p); !v) {
    return kernel_fail(v.error().code, what + ": " + v.error().message);
  }
  auto sa = build_sa(p);
  if (!sa) return mip6::fail(sa.error());
  sock_.begin_request();
  int rc = update ? xfrmnl_sa_update(sock_.get(), sa->get(), 0)
                  : xfrmnl_sa_add(sock_.get(), sa->get(), 0);
  auto st = sock_.check(rc, what);
  if (st) sas_.emplace(p.spi, p.destination);
  return st;
}

KernelStatus XfrmBackend::install_sa(const crypto::SaParams& p) {
  return send_sa(p, false);
}
KernelStatus XfrmBackend::update_sa(const crypto::SaParams& p) {
  return send_sa(p, true);
}

KernelResult<ChangeOutcome> XfrmBackend::remove_sa(std::uint32_t spi,
                                                   const mip6::Ipv6Address& destination) {
  SaPtr sa(xfrmnl_sa_alloc());
  NlAddrPtr dst = make_nl_addr(destination);
  if (!sa || !dst) return mip6::fail(no_memory("remove SA"));
  xfrmnl_sa_set_family(sa.get(), AF_INET6);
  xfrmnl_sa_set_daddr(sa.get(), dst.get());
  xfrmnl_sa_set_spi(sa.get(), spi);
  xfrmnl_sa_set_proto(sa.get(), IPPROTO_ESP);
  sock_.begin_request();
  auto st = sock_.check(xfrmnl_sa_delete(sock_.get(), sa.get(), 0),
                        "remove SA spi " + std::to_string(spi) + " dst " + destination.to_string());
  if (!st && !is_absent(st.error())) return mip6::fail(st.error());
  sas_.erase({spi, destination});
  return st ? ChangeOutcome::kApplied : ChangeOutcome::kWasAbsent;
}

KernelStatus XfrmBackend::check_esp_allowed(const XfrmPolicy& p) const {
  if (p.action != PolicyAction::kRequireEsp) return mip6::Ok{};
  // interop.md §4: without kernel ESP an ESP-requiring policy has no SA to
  // use, and the kernel silently drops the daemon's own packets.
  if (!capability_) {
    return kernel_fail(KernelErrc::kEspUnavailable, "refusing ESP-requiring policy (" +
                                                        p.to_string() +
                                                        "): kernel ESP capability not probed yet");
  }
  if (!capability_->kernel_esp) {
    return kernel_fail(KernelErrc::kEspUnavailable,
                       "refusing ESP-requiring policy (" + p.to_string() +
                           "): it would black-hole traffic on this kernel; " +
                           capability_->message);
  }
  return mip6::Ok{};
}

KernelStatus XfrmBackend::send_policy(const XfrmPolicy& p, bool update) {
  const std::string what = std::string(update ? "update" : "install") + " policy " + p.to_string();
  if (auto v = validate(p); !v) return kernel_fail(v.error().code, what + ": " + v.error().message);
  if (auto v = check_esp_allowed(p); !v) return v;
  auto sp = build_policy(p);
  if (!sp) return mip6::fail(sp.error());
  sock_.begin_request();
  int rc = update ? xfrmnl_sp_update(sock_.get(), sp->get(), 0)
                  : xfrmnl_sp_add(sock_.get(), sp->get(), 0);
  auto st = sock_.check(rc, what);
  if (st) policies_.emplace(p.selector, p.direction);
  return st;
}

KernelStatus XfrmBackend::install_policy(const XfrmPolicy& p) {
  return send_policy(p, false);
}
KernelStatus XfrmBackend::update_policy(const XfrmPolicy& p) {
  return send_policy(p, true);
}

KernelResult<ChangeOutcome> XfrmBackend::remove_policy(const XfrmSelector& s, PolicyDirection d) {
  const std::string what = "remove policy " + s.to_string() + " dir " + std::string(to_string(d));
  if (auto v = validate(s); !v) return kernel_fail(v.error().code, what + ": " + v.error().message);
  // libnl deletes only by index; the kernel also deletes by selector
  // (xfrm_get_policy() with index 0), which needs no dump first.
  xfrm_userpolicy_id id;
  std::memset(&id, 0, sizeof id);
  id.sel = kernel_selector(s);
  id.dir = d == PolicyDirection::kIn ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
  MsgPtr msg(nlmsg_alloc_simple(XFRM_MSG_DELPOLICY, 0));
  if (!msg || nlmsg_append(msg.get(), &id, sizeof id, NLMSG_ALIGNTO) < 0) {
    return mip6::fail(no_memory(what));
  }
  sock_.begin_request();
  int rc = nl_send_auto_complete(sock_.get(), msg.get());
  if (rc >= 0) rc = nl_wait_for_ack(sock_.get());
  auto st = sock_.check(rc, what);
  if (!st && !is_absent(st.error())) return mip6::fail(st.error());
  policies_.erase({s, d});
  return st ? ChangeOutcome::kApplied : ChangeOutcome::kWasAbsent;
}

KernelResult<std::vector<InstalledPolicy>> XfrmBackend::dump_policies() {
  nl_cache* raw = nullptr;
  sock_.begin_request();
  if (auto st = sock_.check(xfrmnl_sp_alloc_cache(sock_.get(), &raw), "dump XFRM policies"); !st) {
    return mip6::fail(st.error());
  }
  NlCachePtr cache(raw);
  std::vector<InstalledPolicy> out;
  for (nl_object* o = nl_cache_get_first(cache.get()); o != nullptr; o = nl_cache_get_next(o)) {
    auto* sp = object_as<xfrmnl_sp>(o);
    xfrmnl_sel* sel = xfrmnl_sp_get_sel(sp);
    if (sel == nullptr || xfrmnl_sel_get_family(sel) != AF_INET6) continue;
    const int dir = xfrmnl_sp_get_dir(sp);
    if (dir != XFRM_POLICY_IN && dir != XFRM_POLICY_OUT) continue;
    InstalledPolicy p;
    p.selector.source = {ipv6_of(xfrmnl_sel_get_saddr(sel)),
                         static_cast<unsigned>(xfrmnl_sel_get_prefixlen_s(sel))};
    p.selector.destination = {ipv6_of(xfrmnl_sel_get_daddr(sel)),
                              static_cast<unsigned>(xfrmnl_sel_get_prefixlen_d(sel))};
    p.selector.protocol = static_cast<std::uint8_t>(xfrmnl_sel_get_proto(sel));
    if (p.selector.protocol == kIpProtoMobilityHeader && xfrmnl_sel_get_sportmask(sel) != 0) {
      p.selector.mh_type = static_cast<std::uint8_t>(xfrmnl_sel_get_sport(sel));
    }
    p.direction = dir == XFRM_POLICY_IN ? PolicyDirection::kIn : PolicyDirection::kOut;
    p.templates = xfrmnl_sp_get_nusertemplates(sp);
    if (xfrmnl_sp_get_action(sp) == XFRM_POLICY_BLOCK) {
      p.action = PolicyAction::kBlock;
    } else {
      p.action = p.templates > 0 ? PolicyAction::kRequireEsp : PolicyAction::kAllow;
    }
    p.priority = static_cast<std::uint32_t>(xfrmnl_sp_get_priority(sp));
    p.index = static_cast<std::uint32_t>(xfrmnl_sp_get_index(sp));
    out.push_back(p);
  }
  for (nl_object* o = nl_cache_get_first(cache.get()); o != nullptr; o = nl_cache_get_next(o)) {
    drop_parser_extra_ref(xfrmnl_sp_get_sel(object_as<xfrmnl_sp>(o)));
  }
  return out;
}

KernelResult<std::vector<InstalledSa>> XfrmBackend::dump_sas() {
  nl_cache* raw = nullptr;
  sock_.begin_request();
  if (auto st = sock_.check(xfrmnl_sa_alloc_cache(sock_.get(), &raw), "dump XFRM SAs"); !st) {
    return mip6::fail(st.error());
  }
  NlCachePtr cache(raw);
  std::vector<InstalledSa> out;
  for (nl_object* o = nl_cache_get_first(cache.get()); o != nullptr; o = nl_cache_get_next(o)) {
    auto* sa = object_as<xfrmnl_sa>(o);
    if (xfrmnl_sa_get_family(sa) != AF_INET6) continue;
    InstalledSa s;
    s.spi = static_cast<std::uint32_t>(xfrmnl_sa_get_spi(sa));
    s.source = ipv6_of(xfrmnl_sa_get_saddr(sa));
    s.destination = ipv6_of(xfrmnl_sa_get_daddr(sa));
    s.protocol = static_cast<std::uint8_t>(xfrmnl_sa_get_proto(sa));
    s.transport_mode = xfrmnl_sa_get_mode(sa) == XFRM_MODE_TRANSPORT;
    out.push_back(s);
  }
  for (nl_object* o = nl_cache_get_first(cache.get()); o != nullptr; o = nl_cache_get_next(o)) {
    drop_parser_extra_ref(xfrmnl_sa_get_sel(object_as<xfrmnl_sa>(o)));
  }
  return out;
}

KernelStatus XfrmBackend::remove_all_installed() {
  std::optional<KernelError> first;
  const auto policies = policies_;
  for (const auto& [sel, dir] : policies) {
    auto r = remove_policy(sel, dir);
    if (!r && !first) first = r.error();
  }
  const auto ro_states = ro_states_;
  for (const auto& st : ro_states) {
    auto r = remove_ro_state(st);
    if (!r && !first) first = r.error();
  }
  const auto sas = sas_;
  for (const auto& [spi, dst] : sas) {
    auto r = remove_sa(spi, dst);
    if (!r && !first) first = r.error();
  }
  if (first) return mip6::fail(*first);
  return mip6::Ok{};
}

}  // namespace kernel
