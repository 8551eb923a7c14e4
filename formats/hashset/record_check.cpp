#include "formats/hashset/record_check.h"

#include <fmt/format.h>

#include <span>
#include <string_view>

#include "core/text/hex.h"
#include "core/text/text_input.h"
#include "formats/hashset/record_block.h"

namespace triage::hashset {

std::optional<std::string> check_record_digests(const HashSetRecord& record, CheckedDigests& out) {
  const std::string_view hexes[4] = {record.md5, record.sha1, record.sha256, record.pdq};
  static constexpr const char* kWhat[4] = {"MD5", "SHA-1", "SHA-256", "PDQ"};
  bool any = false;
  for (std::size_t k = 0; k < 4; ++k) {
    out.present[k] = false;
    const std::string_view hex = trim_blanks(hexes[k]);
    if (hex.empty()) continue;
    const std::size_t bytes = kRecordDigestBytes[k];
    if (!parse_hex_into(hex, std::span(out.bytes[k]).first(bytes)))
      return fmt::format("{}{} '{}' is not {} hex digits",
                         record.media_id.empty() ? "" : "MediaID " + record.media_id + ": ", kWhat[k],
                         hex.substr(0, 80), bytes * 2);
    out.present[k] = true;
    any = true;
  }
  if (!any) return std::string("no MD5, SHA-1, SHA-256 or PDQ hash");
  return std::nullopt;
}

std::optional<std::uint8_t> encode_flags(const HashSetRecordDetail& d) {
  unsigned flags = 0;
  int shift = 0;
  for (const auto* f : {&d.victim_identified, &d.offender_identified, &d.is_distributed, &d.is_precategorized}) {
    if (*f) flags |= (1U | (**f ? 2U : 0U)) << shift;
    shift += 2;
  }
  if (flags == 0) return std::nullopt;
  return static_cast<std::uint8_t>(flags);
}

void decode_flags(std::uint8_t flags, HashSetRecordDetail& d) {
  int shift = 0;
  for (auto* f : {&d.victim_identified, &d.offender_identified, &d.is_distributed, &d.is_precategorized}) {
    if ((flags >> shift) & 1) *f = ((flags >> shift) & 2) != 0;
    shift += 2;
  }
}

}  // namespace triage::hashset
