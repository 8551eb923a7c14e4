#include "app/content_memo.h"

namespace triage {
namespace {

std::string key_of(std::uint64_t size, const std::string& sha1) { return std::to_string(size) + ':' + sha1; }

}  // namespace

std::optional<DecodedContent> ContentMemo::find(std::uint64_t size, const std::string& sha1) const {
  if (sha1.empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  const auto it = by_key_.find(key_of(size, sha1));
  if (it == by_key_.end()) return std::nullopt;
  ++reused_;
  return it->second;
}

void ContentMemo::keep(std::uint64_t size, const std::string& sha1, DecodedContent decoded) {
  if (sha1.empty()) return;
  std::lock_guard lock(mutex_);
  by_key_.try_emplace(key_of(size, sha1), std::move(decoded));
}

std::uint64_t ContentMemo::reused() const {
  std::lock_guard lock(mutex_);
  return reused_;
}

}  // namespace triage
