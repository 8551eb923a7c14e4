#pragma once
// Wall-clock limits of the video decoder tests. Both are generous for a loaded 2-core machine and
// sanitizer builds: damaged input takes under 10 s here, and must finish well inside kQuick (the
// decoder's own budget, kBudget, is the backstop).
#include <chrono>

namespace triage::test {

inline constexpr auto kQuick = std::chrono::seconds(60);
inline constexpr auto kBudget = std::chrono::milliseconds(40'000);

}  // namespace triage::test
