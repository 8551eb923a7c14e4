// load_content: what of an item is read, and the max_streamed bound the fuzz harnesses use.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "core/pipeline/content_loader.h"

using namespace triage;

namespace {

// A file of `size` bytes (a PNG signature, then zeros), counting the bytes read.
class ZerosReader final : public RandomAccessReader {
 public:
  explicit ZerosReader(std::uint64_t size) : size_(size) {}
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset >= size_) return std::size_t{0};
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size_ - offset));
    std::fill_n(out.begin(), n, std::byte{0});
    static constexpr unsigned char kPng[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    for (std::uint64_t i = offset; i < std::min<std::uint64_t>(offset + n, sizeof kPng); ++i)
      out[static_cast<std::size_t>(i - offset)] = static_cast<std::byte>(kPng[i]);
    read_ += n;
    return n;
  }
  std::uint64_t bytes_read() const { return read_; }

 private:
  std::uint64_t size_;
  std::uint64_t read_ = 0;
};

}  // namespace

TEST_CASE("load_content: small media whole, large media streamed, above max_streamed an error without reading it") {
  ContentPolicy policy;
  policy.all_files = true;  // digested whatever the sniffer makes of it
  policy.whole_read_limit = 1000;
  policy.chunk_size = 256;
  policy.head_size = 100;

  ItemRecord small;
  small.size = 900;
  ZerosReader small_reader(900);
  auto whole = load_content(small_reader, small, policy);
  REQUIRE(whole);
  CHECK(whole->complete);
  CHECK(whole->bytes.size() == 900);

  ItemRecord large;
  large.size = 50000;
  ZerosReader large_reader(50000);
  auto streamed = load_content(large_reader, large, policy);
  REQUIRE(streamed);
  CHECK_FALSE(streamed->complete);
  CHECK(streamed->streamed_digests.has_value());
  CHECK(large_reader.bytes_read() >= 50000);

  policy.max_streamed = 49999;
  ItemRecord over;
  over.size = 50000;
  ZerosReader over_reader(50000);
  auto refused = load_content(over_reader, over, policy);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().stage == "read");
  CHECK(refused.error().message.find("49999") != std::string::npos);
  CHECK(over_reader.bytes_read() < 50000);  // the head only
}
