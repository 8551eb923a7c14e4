#pragma once
// Alerts, raised the moment a worker finds a match against an alert set (an exact digest before
// any decoding, a probable PDQ or video match as soon as it is computed): a line on stderr (bold
// red on a terminal) and, with --alerts FILE, one JSON line per alert appended and written at
// once, so a script or an officer watching the file sees it while the scan goes on. The case
// database still records every match in walk order; the alerts are the early word.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <string>

#include "core/item.h"

namespace triage {

struct CategoryProfile;

class AlertLog {
 public:
  using Clock = std::chrono::steady_clock;
  // `file` empty: stderr only. Throws std::runtime_error (naming the file) when it cannot be opened.
  AlertLog(std::ostream& diagnostics, bool terminal, const std::filesystem::path& file, Clock::time_point start,
           const CategoryProfile* profile);
  ~AlertLog();
  AlertLog(const AlertLog&) = delete;
  AlertLog& operator=(const AlertLog&) = delete;

  // Raises one alert per match of `record` against an alert set (others are passed over), once:
  // an item a scouting walk raised is not raised again when its own pass examines it.
  // Thread-safe: called by the workers and the walker.
  void raise(const ItemRecord& record, const std::vector<ItemMatch>& matches);

  // Seconds from the scan's start to the first alert of this run; none yet: nullopt.
  std::optional<double> first_alert_seconds() const;
  std::uint64_t count() const { return count_.load(); }

  // Whoever else writes to the diagnostics stream from another thread (the progress line) holds
  // this while writing, so lines never interleave.
  std::mutex& diagnostics_mutex() { return mutex_; }

 private:
  std::string label_of(const std::string& code) const;

  std::ostream& diagnostics_;
  bool terminal_;
  int fd_ = -1;
  Clock::time_point start_;
  const CategoryProfile* profile_;
  std::mutex mutex_;
  std::set<std::string> raised_;  // path, set and record of each alert raised: once each
  std::atomic<std::int64_t> first_us_{-1};
  std::atomic<std::uint64_t> count_{0};
};

}  // namespace triage
