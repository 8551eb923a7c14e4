#pragma once
// What the image decoder tests share: the pixel limit they decode under, and a file's media kind
// as the scan's sniffing finds it.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "core/media/sniff.h"

namespace triage::test {

inline constexpr std::uint64_t kMaxPixels = 100'000'000;

inline MediaKind kind_of(const std::vector<std::byte>& bytes) {
  return sniff_media(std::span<const std::byte>(bytes).first(std::min(bytes.size(), kSniffBytes)));
}

}  // namespace triage::test
