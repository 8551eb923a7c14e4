#pragma once
// CASE_DIR/thumbs/<sha256>.jpg, shared by the scan's workers: each distinct content's thumbnail
// is made once (the first worker to claim its SHA-256), written as an unnamed file and named once
// whole (or under a temporary name, renamed), so that a reader never sees half of one.
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <unordered_set>

namespace triage {

class ThumbnailStore {
 public:
  explicit ThumbnailStore(std::filesystem::path dir);  // creates the folder (0700 under the scan's umask)
  const std::filesystem::path& dir() const { return dir_; }
  // True for the first caller with this SHA-256 in this scan: it makes the thumbnail.
  bool claim(const std::string& sha256);
  // Throws std::runtime_error naming the file when it cannot be written.
  void write(const std::string& sha256, std::span<const std::uint8_t> jpeg) const;

 private:
  std::filesystem::path dir_;
  std::mutex mutex_;
  std::unordered_set<std::string> claimed_;
};

}  // namespace triage
