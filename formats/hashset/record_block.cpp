#include "formats/hashset/record_block.h"

#include <stdexcept>

namespace triage::hashset {
namespace {

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_text(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

}  // namespace

void append_record(std::string& block, const RecordView& r) {
  std::uint16_t mask = 0;
  for (std::size_t k = 0; k < 4; ++k)
    if (r.digest[k] != nullptr) mask |= static_cast<std::uint16_t>(1u << k);
  const std::string_view* texts[] = {&r.media_id, &r.category, &r.series, &r.file_name, &r.product, &r.tags, &r.photodna};
  for (std::size_t i = 0; i < 7; ++i)
    if (!texts[i]->empty()) mask |= static_cast<std::uint16_t>(kFieldMediaId << i);
  if (r.size) mask |= kFieldSize;
  if (r.flags) mask |= kFieldFlags;
  block.push_back(static_cast<char>(mask & 0xFF));
  block.push_back(static_cast<char>(mask >> 8));
  for (std::size_t k = 0; k < 4; ++k)
    if (r.digest[k] != nullptr) block.append(reinterpret_cast<const char*>(r.digest[k]), kRecordDigestBytes[k]);
  for (std::size_t i = 0; i < 7; ++i)
    if (!texts[i]->empty()) put_text(block, *texts[i]);
  if (r.size) put_varint(block, *r.size);
  if (r.flags) block.push_back(static_cast<char>(*r.flags));
}

const std::uint8_t* RecordBlockReader::take(std::size_t n) {
  if (static_cast<std::size_t>(end_ - p_) < n) throw std::runtime_error("damaged record block (truncated record)");
  const std::uint8_t* at = p_;
  p_ += n;
  return at;
}

std::uint64_t RecordBlockReader::varint() {
  std::uint64_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    const std::uint8_t b = *take(1);
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return v;
  }
  throw std::runtime_error("damaged record block (overlong number)");
}

std::string_view RecordBlockReader::text() {
  const std::uint64_t n = varint();
  if (n > static_cast<std::uint64_t>(end_ - p_)) throw std::runtime_error("damaged record block (text past its end)");
  return {reinterpret_cast<const char*>(take(static_cast<std::size_t>(n))), static_cast<std::size_t>(n)};
}

bool RecordBlockReader::next(RecordView& r) {
  if (p_ == end_) return false;
  const std::uint8_t* m = take(2);
  const auto mask = static_cast<std::uint16_t>(m[0] | m[1] << 8);
  if (mask >> 13 != 0) throw std::runtime_error("damaged record block (unknown field)");
  r = RecordView{};
  for (std::size_t k = 0; k < 4; ++k)
    if (mask & (1u << k)) r.digest[k] = take(kRecordDigestBytes[k]);
  std::string_view* texts[] = {&r.media_id, &r.category, &r.series, &r.file_name, &r.product, &r.tags, &r.photodna};
  for (std::size_t i = 0; i < 7; ++i)
    if (mask & (kFieldMediaId << i)) *texts[i] = text();
  if (mask & kFieldSize) r.size = varint();
  if (mask & kFieldFlags) r.flags = *take(1);
  return true;
}

}  // namespace triage::hashset
