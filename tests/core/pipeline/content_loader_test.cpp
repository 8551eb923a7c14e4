// load_content: what of an item is read, and the max_streamed bound the fuzz harnesses use.
#include <doctest/doctest.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "core/media/sniff.h"
#include "core/pipeline/content_loader.h"

using namespace triage;

namespace {

using namespace std::string_view_literals;
constexpr std::string_view kPng = "\x89PNG\r\n\x1a\n"sv;
constexpr std::string_view kAvi = "RIFF\0\0\0\0AVI LIST"sv;
constexpr std::string_view kText = "plain text"sv;

// A file of `size` bytes (a signature, then zeros), counting the bytes read.
class ZerosReader final : public RandomAccessReader {
 public:
  explicit ZerosReader(std::uint64_t size, std::string_view head = kPng) : size_(size), head_(head) {}
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset >= size_) return std::size_t{0};
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size_ - offset));
    std::fill_n(out.begin(), n, std::byte{0});
    for (std::uint64_t i = offset; i < std::min<std::uint64_t>(offset + n, head_.size()); ++i)
      out[static_cast<std::size_t>(i - offset)] = static_cast<std::byte>(head_[i]);
    read_ += n;
    return n;
  }
  std::uint64_t bytes_read() const { return read_; }

 private:
  std::uint64_t size_;
  std::string_view head_;
  std::uint64_t read_ = 0;
};

}  // namespace

TEST_CASE("load_content: small media whole, large media streamed, above max_streamed its head only and a problem") {
  ContentPolicy policy;
  policy.all_files = true;  // digested whatever the sniffer makes of it
  policy.whole_read_limit = 1000;
  policy.image_read_limit = 1000;
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
  REQUIRE(refused);
  CHECK_FALSE(refused->complete);
  CHECK_FALSE(refused->streamed_digests.has_value());
  CHECK(refused->bytes.size() == kSniffBytes);  // the head (at least what identification needs)
  REQUIRE(over.problems.size() == 1);
  CHECK(over.problems[0].stage == "read");
  CHECK(over.problems[0].message.find("49999") != std::string::npos);
  CHECK(over_reader.bytes_read() < 50000);  // the head only
}

TEST_CASE("load_content: still images are read whole up to image_read_limit, other files only to whole_read_limit") {
  ContentPolicy policy;
  policy.all_files = true;
  policy.whole_read_limit = 1000;
  policy.image_read_limit = 40000;
  policy.chunk_size = 256;
  policy.head_size = 100;
  for (const std::uint64_t size : {30000u, 40000u}) {
    ItemRecord image;
    image.size = size;
    ZerosReader reader(size);
    auto got = load_content(reader, image, policy);
    REQUIRE(got);
    CHECK(got->complete);  // for its PDQ hash
    CHECK(got->bytes.size() == size);
    CHECK(image.media_type == MediaType::image);
  }
  ItemRecord huge;
  huge.size = 40001;
  ZerosReader huge_reader(40001);
  auto huge_content = load_content(huge_reader, huge, policy);
  REQUIRE(huge_content);
  CHECK_FALSE(huge_content->complete);
  CHECK(huge_content->streamed_digests.has_value());

  ItemRecord text;
  text.size = 30000;
  ZerosReader text_reader(30000, kText);
  auto streamed = load_content(text_reader, text, policy);
  REQUIRE(streamed);
  CHECK_FALSE(streamed->complete);
  CHECK(streamed->bytes.size() < 30000);  // the head only

  policy.max_streamed = 30000;  // the fuzz harnesses' bound holds for images read whole too
  ItemRecord bounded;
  bounded.size = 35000;
  ZerosReader bounded_reader(35000);
  auto head = load_content(bounded_reader, bounded, policy);
  REQUIRE(head);
  CHECK_FALSE(head->complete);
  CHECK(bounded.problems.size() == 1);
}

TEST_CASE("load_content: a large video goes to the large_video hook with the open reader, after its digests") {
  ContentPolicy policy;
  policy.whole_read_limit = 1000;
  policy.chunk_size = 256;
  policy.head_size = 100;
  std::uint64_t hook_read = 0;
  int calls = 0;
  policy.large_video = [&](RandomAccessReader& reader, ItemRecord& record) {
    ++calls;
    std::vector<std::byte> all(static_cast<std::size_t>(record.size));
    auto got = reader.read_at(0, all);
    REQUIRE(got);
    hook_read = *got;
    CHECK(std::string_view(reinterpret_cast<const char*>(all.data()), 4) == "RIFF");
    record.problems.push_back({"video", "seen by the hook"});
  };
  ItemRecord video;
  video.size = 5000;
  ZerosReader reader(5000, kAvi);
  auto content = load_content(reader, video, policy);
  REQUIRE(content);
  CHECK(calls == 1);
  CHECK(hook_read == 5000);
  CHECK(content->video_examined);
  CHECK(content->streamed_digests.has_value());
  REQUIRE(video.problems.size() == 1);

  ItemRecord small;  // handed over whole: the workers decode it
  small.size = 900;
  ZerosReader small_reader(900, kAvi);
  auto whole = load_content(small_reader, small, policy);
  REQUIRE(whole);
  CHECK(whole->complete);
  CHECK_FALSE(whole->video_examined);
  CHECK(calls == 1);

  ItemRecord image;  // not a video: no hook
  image.size = 5000;
  policy.image_read_limit = 1000;
  ZerosReader image_reader(5000);
  auto streamed = load_content(image_reader, image, policy);
  REQUIRE(streamed);
  CHECK_FALSE(streamed->video_examined);
  CHECK(calls == 1);
}
