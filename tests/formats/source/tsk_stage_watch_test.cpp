// The stage watch and its guard image: libtsk's reads refused once a stop is requested or a stage
// has gone without progress for its budget; progress is a read of image bytes not read before.
#include "formats/source/tsk_stage_watch.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "formats/source/tsk_image.h"

using namespace triage;
using namespace std::chrono_literals;

namespace {

ssize_t read_at(TSK_IMG_INFO* img, std::uint64_t offset, std::vector<char>& buffer) {
  return tsk_img_read(img, static_cast<TSK_OFF_T>(offset), buffer.data(), buffer.size());
}

}  // namespace

TEST_CASE("guard image: reads pass through until a stop is requested, then fail with a libtsk error") {
  std::vector<std::byte> bytes(4u << 20);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>(i * 7);
  auto memory = open_memory_image(bytes);
  REQUIRE(memory);
  std::atomic<bool> stop{false};
  StageWatch watch([&stop] { return stop.load(); }, 0ms);  // no budget
  tsk::ImgPtr guarded = guard_image(memory->img.get(), watch);
  REQUIRE(guarded);
  CHECK(guarded->size == memory->img->size);
  CHECK(guarded->sector_size == memory->img->sector_size);
  // Whole sectors: libtsk 4.11's tsk_img_read turns a failed read of a length that is not a
  // multiple of the sector size into success over a zeroed buffer (img_io.c, the no-cache path).
  std::vector<char> buffer(4096);
  REQUIRE(read_at(guarded.get(), 3'000'000, buffer) == 4096);
  CHECK(static_cast<unsigned char>(buffer[5]) == static_cast<unsigned char>((3'000'005 * 7) & 0xFF));
  watch.begin("test stage");
  CHECK_FALSE(watch.expired());
  stop = true;
  CHECK(watch.expired());
  CHECK_FALSE(watch.budget_spent());  // a stop is not a spent budget: the caller reports nothing
  tsk_error_reset();
  CHECK(read_at(guarded.get(), 1'000'000, buffer) == -1);  // 1 MB in: not in libtsk's read cache
  CHECK(std::string(tsk_error_get()).find("stop requested") != std::string::npos);
  tsk_error_reset();
}

TEST_CASE("stage watch: no progress for the budget ends the stage; new image bytes are progress, bytes read again are not") {
  std::vector<std::byte> bytes(8u << 20);
  auto memory = open_memory_image(bytes);
  REQUIRE(memory);
  StageWatch watch({}, 150ms);
  tsk::ImgPtr guarded = guard_image(memory->img.get(), watch);
  std::vector<char> buffer(4096);
  watch.begin("file walk");
  // Reading new megabytes keeps the stage alive past its budget.
  for (int mb = 0; mb < 6; ++mb) {
    std::this_thread::sleep_for(50ms);
    REQUIRE(read_at(guarded.get(), static_cast<std::uint64_t>(mb) << 20, buffer) == 4096);
    CHECK_FALSE(watch.expired());
  }
  // The same bytes again (through libtsk's cache or not) are no progress: the budget runs out.
  for (int i = 0; i < 8 && !watch.expired(); ++i) {
    std::this_thread::sleep_for(50ms);
    (void)read_at(guarded.get(), 0, buffer);
  }
  CHECK(watch.expired());
  CHECK(watch.budget_spent());
  CHECK(watch.spent_message().find("file walk made no progress for 0 s") == std::string::npos);
  CHECK(watch.spent_message().rfind("file walk made no progress", 0) == 0);
  tsk_error_reset();
  CHECK(read_at(guarded.get(), 7u << 20, buffer) == -1);  // refused until the next stage
  CHECK(std::string(tsk_error_get()).find("stage budget spent") != std::string::npos);
  tsk_error_reset();
  watch.begin("carving");  // a new stage starts with a new budget
  CHECK_FALSE(watch.expired());
  CHECK(read_at(guarded.get(), 7u << 20, buffer) == 4096);
  // Explicit progress (an entry listed) counts as well.
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(50ms);
    watch.progress();
    CHECK_FALSE(watch.expired());
  }
}
