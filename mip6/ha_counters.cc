#include "mip6/ha_counters.h"

#include "mip6/ha_actions.h"

namespace mip6 {

std::string_view to_string(HaDropReason reason) {
  switch (reason) {
    case HaDropReason::kNotOurAddress:
      return "not_our_address";
    case HaDropReason::kNotIpsecProtected:
      return "not_ipsec_protected";
    case HaDropReason::kSaHomeAddressMismatch:
      return "sa_home_address_mismatch";
    case HaDropReason::kInvalidHomeAddress:
      return "invalid_home_address";
    case HaDropReason::kNotHomeRegistration:
      return "not_home_registration";
    case HaDropReason::kUnknownMhType:
      return "unknown_mh_type";
    case HaDropReason::kHomeAddressWithoutBinding:
      return "home_address_without_binding";
    case HaDropReason::kCount:
      break;
  }
  return "unknown";
}

std::string_view to_string(BindingEvent::Kind kind) {
  switch (kind) {
    case BindingEvent::Kind::kCreated:
      return "created";
    case BindingEvent::Kind::kUpdated:
      return "updated";
    case BindingEvent::Kind::kRefreshed:
      return "refreshed";
    case BindingEvent::Kind::kDeleted:
      return "deleted";
    case BindingEvent::Kind::kExpired:
      return "expired";
  }
  return "unknown";
}

}  // namespace mip6
