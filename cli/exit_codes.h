#pragma once
// Exit codes (man/triage.1, EXIT STATUS). Scripts depend on them: keep them stable.
namespace triage::cli {
inline constexpr int kExitClean = 0;
inline constexpr int kExitItemErrors = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSourceUnreadable = 3;
inline constexpr int kExitCaseUnwritable = 4;
inline constexpr int kExitVerifyFailed = 5;  // triage verify: an output differs from SHA256SUMS or case.db, or is missing
inline constexpr int kExitSourceChanged = 6;  // a disk image's digests differ after the scan; verify: a source changed
inline constexpr int kExitPartial = 7;  // scan --budget: the time was spent before the walk ended (--resume continues)
inline constexpr int kExitInterrupted = 130;
}  // namespace triage::cli
