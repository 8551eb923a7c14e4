// hashdeep audit files (hashdeep / md5deep -c ... output, "HASHDEEP-1.0").
//
// Layout (hashdeep(1) and its README; the tests read the hashdeep binary's own output too):
//   %%%% HASHDEEP-1.0
//   %%%% size,md5,sha256,filename          <- the columns, in the order the rows use
//   ## Invoked from: /home/user
//   ## $ hashdeep -c md5,sha256 -r dir
//   ##
//   5,7d793037a0760186574b0282f2f435e7,f2ca1bb6c7e907d06dafe4687e579fce76b37e4e93b7605022da52e6ccc26fd2,/dir/a
// Columns may be size, md5, sha1, sha256, tiger, whirlpool, filename; filename is last and may
// itself contain commas.

#include "formats/hashset/hashset_reader.h"
#include "core/text/line_reader.h"

namespace triage::hashset {

void read_hashdeep(const std::filesystem::path& file, ImportSink& sink) {
  LineReader in(file);
  std::string_view line;
  if (!in.next(line) || !line.starts_with("%%%% HASHDEEP-1."))
    fail(file, in.position(), "not a hashdeep file: the first line must be \"%%%% HASHDEEP-1.0\"");
  std::vector<std::string> columns;
  ImportRecord r;
  while (in.next(line)) {
    if (line.starts_with("%%%%")) {
      std::string_view spec = line.substr(4);
      while (!spec.empty() && spec.front() == ' ') spec.remove_prefix(1);
      columns.clear();
      std::size_t start = 0;
      for (;;) {
        const auto comma = spec.find(',', start);
        columns.push_back(lower_ascii(spec.substr(start, comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      if (columns.empty() || columns.back() != "filename")
        fail(file, in.position(), "hashdeep column line must end with \"filename\"");
      continue;
    }
    if (line.starts_with("#") || line.empty()) continue;
    if (columns.empty()) fail(file, in.position(), "hashdeep row before the \"%%%% size,...,filename\" column line");
    r = ImportRecord{};
    std::size_t start = 0;
    bool ok = true;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      std::string_view value;
      if (c + 1 == columns.size()) {
        value = line.substr(start);
      } else {
        const auto comma = line.find(',', start);
        if (comma == std::string_view::npos) {
          ok = false;
          break;
        }
        value = line.substr(start, comma - start);
        start = comma + 1;
      }
      const std::string& col = columns[c];
      if (col == "md5") r.record.md5 = value;
      else if (col == "sha1") r.record.sha1 = value;
      else if (col == "sha256") r.record.sha256 = value;
      else if (col == "filename") r.detail.file_name = value;
      else if (col == "size") r.detail.size = parse_size(value);
    }
    if (!ok) {
      sink.reject(in.position(), "fewer fields than the column line names");
      continue;
    }
    sink.add(r, in.position());
  }
}

}  // namespace triage::hashset
