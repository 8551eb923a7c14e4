#pragma once
// Record blocks of the hash-set store (schema version 2, man/triage.1 HASH-SET STORE): a set's
// records in import order, 64 to a BLOB, so that a ten-million-record import inserts
// tens of thousands of SQLite rows, not ten million. One record is a 16-bit little-endian field
// mask, then the fields present, in mask order: MD5 (16 bytes), SHA-1 (20), SHA-256 (32), PDQ (32),
// media_id, category, series, file_name, product, tags, photodna (each a LEB128 length and
// UTF-8 bytes), size (LEB128), flags (one byte).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace triage::hashset {

enum RecordField : std::uint16_t {
  kFieldMd5 = 1u << 0, kFieldSha1 = 1u << 1, kFieldSha256 = 1u << 2, kFieldPdq = 1u << 3,
  kFieldMediaId = 1u << 4, kFieldCategory = 1u << 5, kFieldSeries = 1u << 6, kFieldFileName = 1u << 7,
  kFieldProduct = 1u << 8, kFieldTags = 1u << 9, kFieldPhotoDna = 1u << 10, kFieldSize = 1u << 11,
  kFieldFlags = 1u << 12,
};

constexpr std::array<std::size_t, 4> kRecordDigestBytes = {16, 20, 32, 32};  // MD5, SHA-1, SHA-256, PDQ

// A record as stored: views into the block (valid while the block is).
struct RecordView {
  std::array<const std::uint8_t*, 4> digest{};  // MD5, SHA-1, SHA-256, PDQ bytes; null when absent
  std::string_view media_id, category, series, file_name, product, tags, photodna;
  std::optional<std::uint64_t> size;
  std::optional<std::uint8_t> flags;
};

// Appends one record to `block`.
void append_record(std::string& block, const RecordView& record);

// Reads a block's records in order.
class RecordBlockReader {
 public:
  explicit RecordBlockReader(std::span<const std::uint8_t> data) : p_(data.data()), end_(data.data() + data.size()) {}
  // The next record; false at the end of the block. Throws std::runtime_error on damaged data.
  bool next(RecordView& record);

 private:
  std::uint64_t varint();
  std::string_view text();
  const std::uint8_t* take(std::size_t n);
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

}  // namespace triage::hashset
