#pragma once
// What an imported record must be to be stored: every hash it carries exactly its digits of hex
// (either case, blanks around it ignored), and at least one of MD5, SHA-1, SHA-256 and PDQ. Both
// the import and its dry run (`hashset import --check`) judge records here.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "formats/hashset/hashset_store.h"

namespace triage::hashset {

// A record's digests as raw bytes, in record-block order: MD5, SHA-1, SHA-256, PDQ.
struct CheckedDigests {
  std::array<std::array<std::uint8_t, 32>, 4> bytes{};
  std::array<bool, 4> present{};
};

// Fills `out` and returns nullopt for a record to store; else the reason it is rejected.
std::optional<std::string> check_record_digests(const HashSetRecord& record, CheckedDigests& out);

// The record's four yes/no flags (victim and offender identified, distributed, precategorised)
// as the one byte a record block keeps: two bits each (known, value); nullopt when none is known.
std::optional<std::uint8_t> encode_flags(const HashSetRecordDetail& detail);
void decode_flags(std::uint8_t flags, HashSetRecordDetail& detail);

}  // namespace triage::hashset
