#include "tests/fuzz/fuzz_targets.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>

#include "core/media/sniff.h"
#include "formats/exif/exif_reader.h"
#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/vpdq_reader.h"
#include "formats/image/image_pdq.h"

namespace triage::fuzz {
namespace {

std::span<const std::byte> bytes_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

// Readers take a path: the input goes to a private temporary file, removed afterwards.
class TempInput {
 public:
  TempInput(const std::uint8_t* data, std::size_t size) {
    // /dev/shm when there is one: millions of runs should not wait on a disk.
    const std::filesystem::path shm = "/dev/shm";
    const auto dir = std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
    path_ = dir / ("triage-fuzz-" + std::to_string(::getpid()) + ".in");
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ~TempInput() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempInput(const TempInput&) = delete;
  TempInput& operator=(const TempInput&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Counts what a reader hands over and touches every field, so that a bad record is read.
class CountingSink : public hashset::ImportSink {
 public:
  void add(ImportRecord& r, hashset::SourcePosition) override {
    chars_ += r.record.md5.size() + r.record.sha1.size() + r.record.sha256.size() + r.record.pdq.size() +
              r.record.media_id.size() + r.record.category.size() + r.detail.file_name.size();
  }
  void reject(hashset::SourcePosition where, std::string_view reason) override {
    chars_ += hashset::describe(where).size() + reason.size();
  }
  void set_version(std::string_view version) override { chars_ += version.size(); }

 private:
  std::size_t chars_ = 0;
};

template <typename Reader>
void read_quietly(Reader&& reader) {
  CountingSink sink;
  try {
    reader(sink);
  } catch (const ImportError&) {
    // A malformed file is reported, not a fault.
  }
}

}  // namespace

void sniff(const std::uint8_t* data, std::size_t size) {
  const auto content = bytes_of(data, size);
  const MediaKind kind = sniff_media(content);
  (void)image_pixel_size(kind, content);
  (void)extension_mismatch(kind, "x.jpg");
}

void exif(const std::uint8_t* data, std::size_t size) {
  const auto content = bytes_of(data, size);
  (void)read_exif(sniff_media(content), content);
}

void image_pdq(const std::uint8_t* data, std::size_t size) {
  const auto content = bytes_of(data, size);
  const MediaKind kind = sniff_media(content);
  if (kind.type != MediaType::image) return;
  // A small pixel limit: bombs are refused before decoding, as in a scan with --max-pixels.
  (void)triage::image_pdq(kind, content, 4'000'000);
  (void)image_pdq_variants(kind, content, 4'000'000);
}

void hashset_text(const std::uint8_t* data, std::size_t size) {
  TempInput in(data, size);
  const auto& p = in.path();
  read_quietly([&](auto& sink) { hashset::read_vics_json(p, sink, 4096); });  // small: streaming path too
  read_quietly([&](auto& sink) { hashset::read_vics_json(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_nsrl_rds2(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_icse_csv(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_md5sum(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_hashdeep(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_hashkeeper(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_plain_list(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_pdq_list(p, sink); });
  if (hashset::is_vpdq_file(p)) {
    try {
      (void)hashset::read_vpdq_file(p);
    } catch (const ImportError&) {
    }
  }
  try {
    (void)hashset::detect_format(p);
  } catch (const ImportError&) {
  }
}

void hashset_binary(const std::uint8_t* data, std::size_t size) {
  TempInput in(data, size);
  const auto& p = in.path();
  read_quietly([&](auto& sink) { hashset::read_encase_hash(p, sink); });
  try {
    (void)hashset::read_encase_hash_name(p);
  } catch (const ImportError&) {
  }
  read_quietly([&](auto& sink) { hashset::read_nsrl_rds3(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_kdb(p, sink); });
}

Target find_target(std::string_view name) {
  if (name == "sniff") return sniff;
  if (name == "exif") return exif;
  if (name == "image_pdq") return image_pdq;
  if (name == "hashset_text") return hashset_text;
  if (name == "hashset_binary") return hashset_binary;
  return nullptr;
}

}  // namespace triage::fuzz
