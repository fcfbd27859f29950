#include "ha-agent/io/inherit_net_admin.h"

#include <sys/capability.h>
#include <unistd.h>

namespace ha_agent::io {
namespace {

bool set_inheritable(cap_value_t cap, cap_flag_value_t value) {
  cap_t caps = cap_get_proc();
  if (!caps) return false;
  bool ok = cap_set_flag(caps, CAP_INHERITABLE, 1, &cap, value) == 0 && cap_set_proc(caps) == 0;
  cap_free(caps);
  return ok;
}

}  // namespace

InheritNetAdmin::InheritNetAdmin() {
  if (::geteuid() == 0) return;  // root's children get capabilities anyway
  cap_t caps = cap_get_proc();
  if (!caps) return;
  cap_flag_value_t permitted = CAP_CLEAR;
  cap_get_flag(caps, CAP_NET_ADMIN, CAP_PERMITTED, &permitted);
  cap_free(caps);
  if (permitted != CAP_SET) return;
  // capabilities(7): a capability may enter the ambient set only when it is
  // both permitted and inheritable.
  if (!set_inheritable(CAP_NET_ADMIN, CAP_SET)) return;
  if (cap_set_ambient(CAP_NET_ADMIN, CAP_SET) != 0) {
    set_inheritable(CAP_NET_ADMIN, CAP_CLEAR);
    return;
  }
  raised_ = true;
}

InheritNetAdmin::~InheritNetAdmin() {
  if (!raised_) return;
  cap_reset_ambient();
  set_inheritable(CAP_NET_ADMIN, CAP_CLEAR);
}

}  // namespace ha_agent::io
