#include "mip6/mh_error.h"

namespace mip6 {

std::string_view to_string(MhErrc code) {
  switch (code) {
    case MhErrc::kTruncated:
      return "truncated";
    case MhErrc::kLengthNotMultipleOf8:
      return "length-not-multiple-of-8";
    case MhErrc::kTooLong:
      return "too-long";
    case MhErrc::kBadPayloadProto:
      return "bad-payload-proto";
    case MhErrc::kHeaderLenBeyondData:
      return "header-len-beyond-data";
    case MhErrc::kDataBeyondHeaderLen:
      return "data-beyond-header-len";
    case MhErrc::kUnknownMhType:
      return "unknown-mh-type";
    case MhErrc::kHeaderLenTooSmall:
      return "header-len-too-small";
    case MhErrc::kHasAddressCountMismatch:
      return "has-address-count-mismatch";
    case MhErrc::kBadSyncType:
      return "bad-sync-type";
    case MhErrc::kBadControlType:
      return "bad-control-type";
    case MhErrc::kOptionTruncated:
      return "option-truncated";
    case MhErrc::kOptionOverrun:
      return "option-overrun";
    case MhErrc::kBadOptionLength:
      return "bad-option-length";
    case MhErrc::kDuplicateOption:
      return "duplicate-option";
    case MhErrc::kAuthDataNotLast:
      return "auth-data-not-last";
    case MhErrc::kOptionTooLong:
      return "option-too-long";
    case MhErrc::kNestedBindingCacheInfo:
      return "nested-binding-cache-info";
    case MhErrc::kTooManyAddresses:
      return "too-many-addresses";
  }
  return "unknown-error";
}

std::string MhError::to_string() const {
  std::string s(mip6::to_string(code));
  s += " at offset ";
  s += std::to_string(offset);
  return s;
}

}  // namespace mip6
