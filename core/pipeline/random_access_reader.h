#pragma once
// An item's bytes by offset: what the walkers read files through (a folder's descriptor, a
// libtsk attribute, a carved run in memory), and what large videos are decoded from.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/result.h"

namespace triage {

class RandomAccessReader {
 public:
  virtual ~RandomAccessReader() = default;
  // Reads up to out.size() bytes at offset; returns the count (0 at end of data).
  virtual Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) = 0;
};

// Reads out.size() bytes from `offset` unless the data ends first (a reader may return fewer
// than asked); the count.
inline Result<std::size_t> read_fully(RandomAccessReader& reader, std::uint64_t offset, std::span<std::byte> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    auto got = reader.read_at(offset + done, out.subspan(done));
    if (!got) return got.error();
    if (*got == 0) break;
    done += *got;
  }
  return done;
}

// Bytes already in memory.
class SpanReader final : public RandomAccessReader {
 public:
  explicit SpanReader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset >= bytes_.size()) return std::size_t{0};
    const std::size_t n = std::min(out.size(), bytes_.size() - static_cast<std::size_t>(offset));
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), n, out.begin());
    return n;
  }

 private:
  std::span<const std::byte> bytes_;
};

}  // namespace triage
