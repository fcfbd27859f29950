// The clock of the protocol libraries. mip6/ never reads a clock (DESIGN.md
// §1): every entry point that depends on time takes `Clock::time_point now`
// from the caller, and objects with timers say when they want to be called
// back (`next_expiry()`). The daemon passes steady_clock::now(); tests pass a
// manual time point, so no test ever sleeps.
#pragma once

#include <chrono>

namespace mip6 {

using Clock = std::chrono::steady_clock;

}  // namespace mip6
