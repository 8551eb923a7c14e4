// Interpol ICSE (International Child Sexual Exploitation database) CSV export.
//
// Layout (as read by public importers, e.g. IPED's HashDBTool): ';'-separated, one header line
// naming the columns, e.g.
//   MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;
//   Series name;Number of submissions;File Available;Media Type;Baseline
// Columns are found by name (any case, spaces ignored) so that exports with extra or reordered
// columns (e.g. "MD5;SHA1;ZZ40;PhotoDNA;...") read the same; unknown columns are ignored.
#include <unordered_map>

#include "formats/hashset/hashset_reader.h"
#include "core/text/line_reader.h"

namespace triage::hashset {
namespace {

std::string column_key(std::string_view name) {
  std::string key = lower_ascii(name);
  std::erase_if(key, [](char c) { return c == ' ' || c == '_' || c == '-'; });
  return key;
}

}  // namespace

void read_icse_csv(const std::filesystem::path& file, ImportSink& sink) {
  LineReader in(file);
  std::string_view line;
  if (!in.next(line)) fail(file, {1, 0}, "empty file: not an ICSE CSV export");
  std::vector<std::string> cells;
  if (!split_delimited(line, ';', cells)) fail(file, in.position(), "unterminated quote in the ICSE header");
  std::unordered_map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < cells.size(); ++i) column.emplace(column_key(cells[i]), i);
  const auto col = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (auto it = column.find(n); it != column.end()) return it->second;
    return std::string::npos;
  };
  const std::size_t c_md5 = col({"md5"}), c_sha1 = col({"sha1"});
  if (c_md5 == std::string::npos && c_sha1 == std::string::npos)
    fail(file, in.position(), "not an ICSE CSV header: no MD5 or SHA1 column (expected \"MD5;SHA1;...\")");
  const std::size_t c_sha256 = col({"sha256"}), c_photodna = col({"photodna"}), c_id = col({"imageid", "mediaid", "id"}),
                    c_series = col({"seriesname", "series"}), c_category = col({"category"}),
                    c_distributed = col({"isdistributed"}), c_victim = col({"victimidentified"}),
                    c_offender = col({"offenderidentified"}), c_media_type = col({"mediatype"});
  const auto cell = [&](std::size_t c) -> std::string { return c < cells.size() ? cells[c] : std::string(); };
  ImportRecord r;
  while (in.next(line)) {
    if (line.find_first_not_of(" \t;") == std::string_view::npos) continue;
    if (!split_delimited(line, ';', cells)) {
      sink.reject(in.position(), "unterminated quote");
      continue;
    }
    r = ImportRecord{};
    r.record.md5 = cell(c_md5);
    r.record.sha1 = cell(c_sha1);
    r.record.sha256 = cell(c_sha256);
    r.record.media_id = cell(c_id);
    r.record.series = cell(c_series);
    r.record.category = cell(c_category);
    r.detail.photodna = cell(c_photodna);
    r.detail.is_distributed = parse_flag(cell(c_distributed));
    r.detail.victim_identified = parse_flag(cell(c_victim));
    r.detail.offender_identified = parse_flag(cell(c_offender));
    r.detail.tags = cell(c_media_type);
    sink.add(r, in.position());
  }
}

}  // namespace triage::hashset
