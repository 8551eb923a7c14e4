#include "app/alert_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/category/profile.h"
#include "core/text/json_text.h"

namespace triage {

AlertLog::AlertLog(std::ostream& diagnostics, bool terminal, const std::filesystem::path& file,
                   Clock::time_point start, const CategoryProfile* profile)
    : diagnostics_(diagnostics), terminal_(terminal), start_(start), profile_(profile) {
  if (file.empty()) return;
  // Appended: a resumed scan adds its alerts after the interrupted run's. Owner-only, like the case.
  fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error(fmt::format("alerts file '{}': {}", file.string(), std::strerror(errno)));
}

AlertLog::~AlertLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::string AlertLog::label_of(const std::string& code) const {
  if (profile_ != nullptr)
    if (const CategoryDef* def = profile_->find(code)) return def->label;
  return code.empty() ? std::string("no category") : "category " + code;
}

void AlertLog::raise(const ItemRecord& record, const std::vector<ItemMatch>& matches) {
  for (const ItemMatch& m : matches) {
    if (m.role != HashSetRole::alert) continue;
    {
      std::lock_guard lock(mutex_);
      // Once per item and record, whichever digest found it (a scouting walk computes only one).
      if (!raised_.insert(record.path + '\n' + m.set + '\n' + m.media_id).second) continue;
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count();
    std::int64_t none = -1;
    first_us_.compare_exchange_strong(none, elapsed);
    count_.fetch_add(1);
    const double t = static_cast<double>(elapsed) / 1e6;
    const std::string label = label_of(m.category);
    std::string line;
    {
      JsonObject j(line);
      j.number("t", static_cast<double>(elapsed / 1000) / 1e3)  // milliseconds: what a stopwatch would say
          .string("path", record.path)
          .string("category", label)
          .string("set", m.set)
          .string("hash_type", to_string(m.hash_type))
          .string_or_null("media_id", m.media_id)
          .optional("distance", m.distance);
    }
    line += '\n';
    const std::string text =
        fmt::format("triage: ALERT {:.1f} s {} ({}{}, set {}): {}", t, label, m.probable() ? "probable, " : "",
                    to_string(m.hash_type), m.set, record.path);
    std::lock_guard lock(mutex_);
    if (fd_ >= 0) {
      // One write per line: an O_APPEND write of a line is not split by another writer.
      for (std::size_t done = 0; done < line.size();) {
        const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the scan goes on: every match is in case.db; the stderr line still says it
        done += static_cast<std::size_t>(n);
      }
    }
    if (terminal_) diagnostics_ << "\r\033[K\033[1;31m" << text << "\033[0m\n" << std::flush;
    else diagnostics_ << text << '\n' << std::flush;
  }
}

std::optional<double> AlertLog::first_alert_seconds() const {
  const std::int64_t us = first_us_.load();
  if (us < 0) return std::nullopt;
  return static_cast<double>(us) / 1e6;
}

}  // namespace triage
