#pragma once
// The fuzz targets: one function per parser family, each taking arbitrary bytes. libFuzzer
// drives them from tests/fuzz/fuzz_main.cpp; the normal test suite replays every input kept in
// tests/fuzz/regressions/<target>/ through the same functions (tests/formats/fuzz_replay_test.cpp).
// A target must never crash, hang or leak, whatever the bytes; errors are results, not faults.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace triage::fuzz {

using Target = void (*)(const std::uint8_t* data, std::size_t size);

void sniff(const std::uint8_t* data, std::size_t size);         // content sniffer + header sizes
void exif(const std::uint8_t* data, std::size_t size);          // EXIF adapter (JPEG, TIFF, HEIF...)
void image_pdq(const std::uint8_t* data, std::size_t size);     // decoders + PDQ
void hashset_text(const std::uint8_t* data, std::size_t size);  // every line/JSON hash-set reader
void hashset_binary(const std::uint8_t* data, std::size_t size);  // EnCase .hash, SQLite (RDS v3, kdb)
void carver(const std::uint8_t* data, std::size_t size);        // the bytes as unallocated space, carved
void tsk_source(const std::uint8_t* data, std::size_t size);    // the bytes as a disk image, walked (libtsk)
void video(const std::uint8_t* data, std::size_t size);         // video decoding and frame hashing (FFmpeg)
void evidence_path(const std::uint8_t* data, std::size_t size);  // evidence path text read back (report, resume)
void archive(const std::uint8_t* data, std::size_t size);        // the bytes as an archive, its members walked (libarchive)
void device_db(const std::uint8_t* data, std::size_t size);      // a device media database (Photos.sqlite, external.db)

// Every target's name, in the order run.sh lists them.
inline constexpr std::string_view kTargetNames[] = {"sniff",  "exif",       "image_pdq", "hashset_text", "hashset_binary",
                                                    "carver", "tsk_source", "video",  "evidence_path",
                                                    "archive", "device_db"};

// The target of that name ("sniff", "exif", ...); nullptr when there is none.
Target find_target(std::string_view name);

}  // namespace triage::fuzz
