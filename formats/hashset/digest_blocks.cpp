#include "formats/hashset/digest_blocks.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/match/huge_page_allocator.h"
#include "core/text/hex.h"
#include "formats/hashset/record_check.h"

namespace triage::hashset {
namespace {

constexpr std::size_t kBlockEntries = 4096;  // nominal entries per digest block

// Digest blocks (schema version 2): entries of a digest's bytes then the record's ordinal in its
// set as 4 bytes little-endian, which is this struct's layout on a little-endian host.
static_assert(std::endian::native == std::endian::little, "digest blocks store ordinals as laid out in memory");
template <std::size_t N>
struct BlockEntry {
  std::array<std::uint8_t, N> digest;
  std::uint32_t ordinal;
};
static_assert(sizeof(BlockEntry<16>) == 20 && sizeof(BlockEntry<20>) == 24 && sizeof(BlockEntry<32>) == 36);

inline std::uint64_t be64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

template <std::size_t N>
bool block_entry_less(const BlockEntry<N>& a, const BlockEntry<N>& b) {
  const std::uint64_t ka = be64(a.digest.data()), kb = be64(b.digest.data());
  if (ka != kb) return ka < kb;
  const int c = std::memcmp(a.digest.data() + 8, b.digest.data() + 8, N - 8);
  return c != 0 ? c < 0 : a.ordinal < b.ordinal;
}

// Memory: one entry per record with that digest (36 bytes for a SHA-256), one kind at a time.
template <std::size_t N>
std::uint64_t write_blocks(sqlite3* db, std::int64_t set_id, StoredDigest kind, std::uint64_t expected,
                           const std::vector<std::uint32_t>& histogram, StopToken stop) {
  const auto k = static_cast<std::size_t>(kind);
  std::vector<std::uint64_t> next(histogram.size() + 1, 0);
  for (std::size_t b = 0; b < histogram.size(); ++b) next[b + 1] = next[b] + histogram[b];
  if (next.back() != expected) throw sqlite::Error("internal error: digest histogram does not match the count");
  const std::vector<std::uint64_t> bucket_start = next;
  std::vector<BlockEntry<N>, HugePageAllocator<BlockEntry<N>>> entries(expected);  // not zeroed first
  for_each_record_block(db, set_id, [&](std::uint64_t first_ordinal, RecordBlockReader& reader) {
    stop.throw_if_requested();
    RecordView r;
    for (std::uint64_t ordinal = first_ordinal; reader.next(r); ++ordinal) {
      if (r.digest[k] == nullptr) continue;
      const std::size_t bucket = static_cast<std::size_t>(r.digest[k][0]) << 8 | r.digest[k][1];
      if (next[bucket] == bucket_start[bucket + 1]) throw sqlite::Error("internal error: digest bucket overflow");
      BlockEntry<N>& e = entries[next[bucket]++];
      std::memcpy(e.digest.data(), r.digest[k], N);
      e.ordinal = static_cast<std::uint32_t>(ordinal);
    }
  });
  for (std::size_t b = 0; b < histogram.size(); ++b) {
    if (next[b] != bucket_start[b + 1]) throw sqlite::Error("internal error: digest bucket underflow");
    if ((b & 0xFF) == 0) stop.throw_if_requested();
    std::sort(entries.begin() + static_cast<std::ptrdiff_t>(bucket_start[b]),
              entries.begin() + static_cast<std::ptrdiff_t>(bucket_start[b + 1]), block_entry_less<N>);
  }
  sqlite::Statement insert(db, "INSERT INTO digest_blocks(set_id, kind, first_digest, entry_count, entries) VALUES (?, ?, ?, ?, ?)");
  for (std::size_t begin = 0; begin < entries.size();) {
    std::size_t end = std::min(entries.size(), begin + kBlockEntries);
    while (end < entries.size() && entries[end].digest == entries[end - 1].digest) ++end;  // runs stay whole
    stop.throw_if_requested();
    insert.bind(1, set_id)
        .bind(2, static_cast<std::int64_t>(kind))
        .bind_blob_view(3, entries[begin].digest)
        .bind(4, static_cast<std::int64_t>(end - begin))
        .bind_blob_view(5, std::span(reinterpret_cast<const std::uint8_t*>(&entries[begin]),
                                     (end - begin) * sizeof(BlockEntry<N>)))
        .run();
    begin = end;
  }
  return entries.size();
}

template <std::size_t N>
void find_in_blocks(sqlite3* db, std::int64_t set_id, StoredDigest kind, std::span<const std::uint8_t> digest,
                    std::vector<std::uint32_t>& ordinals) {
  if (digest.size() != N) return;
  sqlite::Statement q(db,
                      "SELECT entries, entry_count FROM digest_blocks WHERE set_id = ? AND kind = ? AND first_digest <= ? "
                      "ORDER BY first_digest DESC LIMIT 1");
  q.bind(1, set_id).bind(2, static_cast<std::int64_t>(kind)).bind_blob_view(3, digest);
  if (!q.step()) return;
  const auto blob = q.blob(0);
  const std::size_t count = std::min<std::size_t>(blob.size() / sizeof(BlockEntry<N>),
                                                  static_cast<std::size_t>(std::max<std::int64_t>(0, q.int64(1))));
  std::vector<BlockEntry<N>> entries(count);
  if (count > 0) std::memcpy(entries.data(), blob.data(), count * sizeof(BlockEntry<N>));
  BlockEntry<N> key{};
  std::memcpy(key.digest.data(), digest.data(), N);
  key.ordinal = 0;
  for (auto it = std::lower_bound(entries.begin(), entries.end(), key, block_entry_less<N>);
       it != entries.end() && it->digest == key.digest; ++it)
    ordinals.push_back(it->ordinal);
}

std::string hex_or_empty(const std::uint8_t* bytes, std::size_t n) {
  if (bytes == nullptr) return {};
  return to_hex(std::span(bytes, n));
}

}  // namespace

void for_each_record_block(sqlite3* db, std::int64_t set_id,
                           const std::function<void(std::uint64_t first_ordinal, RecordBlockReader& reader)>& visit) {
  sqlite::Statement q(db, "SELECT first_ordinal, records FROM record_blocks WHERE set_id = ? ORDER BY first_ordinal");
  q.bind(1, set_id);
  while (q.step()) {
    RecordBlockReader reader(q.blob(1));
    visit(static_cast<std::uint64_t>(q.int64(0)), reader);
  }
}

std::unique_ptr<sqlite::Statement> prepare_record_at(sqlite3* db) {
  return std::make_unique<sqlite::Statement>(
      db,
      "SELECT first_ordinal, records FROM record_blocks WHERE set_id = ? AND first_ordinal <= ? "
      "ORDER BY first_ordinal DESC LIMIT 1");
}

void for_each_record_at(sqlite::Statement& q, std::int64_t set_id, const std::vector<std::uint64_t>& ordinals,
                        const std::function<void(std::uint64_t ordinal, const RecordView& record)>& visit) {
  for (std::size_t i = 0; i < ordinals.size();) {
    q.reset();  // also after an exception left the (cached) statement mid-step
    q.bind(1, set_id).bind(2, static_cast<std::int64_t>(ordinals[i]));
    if (!q.step()) {
      ++i;
      continue;
    }
    auto ordinal = static_cast<std::uint64_t>(q.int64(0));
    RecordBlockReader reader(q.blob(1));
    RecordView r;
    const std::size_t before = i;
    for (; i < ordinals.size() && reader.next(r); ++ordinal)
      if (ordinal == ordinals[i]) {
        visit(ordinals[i], r);
        ++i;
      }
    if (i == before) ++i;  // not in this block: no such record
  }
  q.reset();
}

std::uint64_t write_digest_blocks(sqlite3* db, std::int64_t set_id, StoredDigest kind, std::uint64_t expected,
                                  const std::vector<std::uint32_t>& histogram, StopToken stop) {
  switch (kind) {
    case StoredDigest::md5: return write_blocks<16>(db, set_id, kind, expected, histogram, stop);
    case StoredDigest::sha1: return write_blocks<20>(db, set_id, kind, expected, histogram, stop);
    case StoredDigest::sha256:
    case StoredDigest::pdq: return write_blocks<32>(db, set_id, kind, expected, histogram, stop);
  }
  return 0;
}

void find_ordinals(sqlite3* db, std::int64_t set_id, StoredDigest kind, std::span<const std::uint8_t> digest,
                   std::vector<std::uint32_t>& ordinals) {
  switch (kind) {
    case StoredDigest::md5: return find_in_blocks<16>(db, set_id, kind, digest, ordinals);
    case StoredDigest::sha1: return find_in_blocks<20>(db, set_id, kind, digest, ordinals);
    case StoredDigest::sha256:
    case StoredDigest::pdq: return find_in_blocks<32>(db, set_id, kind, digest, ordinals);
  }
}

HashSetRecord record_from_view(std::int64_t set_id, const RecordView& v) {
  HashSetRecord r;
  r.set_id = set_id;
  r.md5 = hex_or_empty(v.digest[0], 16);
  r.sha1 = hex_or_empty(v.digest[1], 20);
  r.sha256 = hex_or_empty(v.digest[2], 32);
  r.pdq = hex_or_empty(v.digest[3], 32);
  r.media_id = v.media_id;
  r.category = v.category;
  r.series = v.series;
  return r;
}

HashSetRecordDetail detail_from_view(const RecordView& v) {
  HashSetRecordDetail d;
  d.file_name = v.file_name;
  d.product = v.product;
  d.size = v.size;
  if (v.flags) decode_flags(*v.flags, d);
  d.tags = v.tags;
  d.photodna = v.photodna;
  return d;
}

}  // namespace triage::hashset
