// HashKeeper hash sets (.hsh), as distributed by the NDIC.
//
// Layout (as The Sleuth Kit's tsk/hashdb/hk.cpp tests and parses it, and as public sample sets
// show, e.g. 29294,5,"MSFS.HLP","C:\WINDOWS\HELP","0EAF18E1...",34832,7/11/95 0:00:00,...):
// CSV with a header line
//   "file_id","hashset_id","file_name","directory","hash","file_size","date_modified",
//   "time_modified","time_zone","comments","date_accessed","time_accessed"
// and one row per file; "hash" is the MD5. Columns are found by name.
#include <unordered_map>

#include "formats/hashset/hashset_reader.h"
#include "core/text/line_reader.h"

namespace triage::hashset {

void read_hashkeeper(const std::filesystem::path& file, ImportSink& sink) {
  LineReader in(file);
  std::string_view line;
  if (!in.next(line)) fail(file, {1, 0}, "empty file: not a HashKeeper .hsh file");
  std::vector<std::string> cells;
  std::unordered_map<std::string, std::size_t> column;
  if (split_delimited(line, ',', cells))
    for (std::size_t i = 0; i < cells.size(); ++i) column.emplace(lower_ascii(cells[i]), i);
  const auto col = [&](const char* name) {
    const auto it = column.find(name);
    return it == column.end() ? std::string::npos : it->second;
  };
  const std::size_t c_hash = col("hash"), c_name = col("file_name"), c_size = col("file_size"),
                    c_comments = col("comments"), c_file_id = col("file_id");
  if (c_hash == std::string::npos || c_file_id == std::string::npos)
    fail(file, in.position(), "not a HashKeeper header (\"file_id\",\"hashset_id\",\"file_name\",...,\"hash\",...)");
  ImportRecord r;
  while (in.next(line)) {
    if (line.empty()) continue;
    if (!split_delimited(line, ',', cells) || c_hash >= cells.size()) {
      sink.reject(in.position(), "not a HashKeeper CSV row");
      continue;
    }
    r = ImportRecord{};
    r.record.md5 = cells[c_hash];
    if (c_name < cells.size()) r.detail.file_name = cells[c_name];
    if (c_comments < cells.size()) r.detail.tags = cells[c_comments];
    if (c_size < cells.size()) r.detail.size = parse_size(cells[c_size]);
    sink.add(r, in.position());
  }
}

}  // namespace triage::hashset
