#include "app/batch_manifest.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "core/text/line_reader.h"
#include "core/text/text_input.h"
#include "formats/profile/profile_loader.h"

namespace triage {
namespace fs = std::filesystem;
namespace {

constexpr std::array kRequired{"case_ref", "exhibit_ref", "examiner", "source"};
constexpr std::array kOptional{"profile"};

// A folder name for the exhibit: its references with anything but letters, digits, '.', '-' and
// '_' written '_' (references like "OP/123" are common), never "." or "..".
std::string dir_name(const std::string& case_ref, const std::string& exhibit_ref) {
  std::string out = case_ref + "__" + exhibit_ref;
  for (char& c : out) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '-' || c == '_';
    if (!keep) c = '_';
  }
  if (out.starts_with('.')) out.front() = '_';
  return out;
}

}  // namespace

std::vector<BatchExhibit> read_batch_manifest(const fs::path& file) {
  LineReader in(file);
  std::string_view line;
  std::vector<std::string> cells;
  auto fail_here = [&](const std::string& why) { fail(file, in.position(), why); };
  std::map<std::string, std::size_t> column;
  while (column.empty() && in.next(line)) {
    if (trim_blanks(line).empty()) continue;
    if (!split_delimited(line, ',', cells)) fail_here("an unclosed quote");
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string name = lower_ascii(trim_blanks(cells[i]));
      const bool known = std::find(kRequired.begin(), kRequired.end(), name) != kRequired.end() ||
                         std::find(kOptional.begin(), kOptional.end(), name) != kOptional.end();
      if (!known)
        fail_here(fmt::format("unknown column '{}' (columns: case_ref, exhibit_ref, examiner, source, profile)", name));
      if (!column.emplace(name, i).second) fail_here(fmt::format("column '{}' given twice", name));
    }
    for (const char* required : kRequired)
      if (!column.count(required)) fail_here(fmt::format("no '{}' column", required));
  }
  if (column.empty()) fail(file, in.position(), "no header row (case_ref, exhibit_ref, examiner, source)");

  std::vector<BatchExhibit> exhibits;
  std::map<std::pair<std::string, std::string>, std::size_t> seen;  // refs -> exhibit index
  std::map<std::string, std::size_t> dirs;                         // dir -> exhibit index
  std::map<std::string, bool> profile_ok;
  const fs::path base = fs::absolute(file).parent_path();
  while (in.next(line)) {
    if (trim_blanks(line).empty()) continue;
    if (!split_delimited(line, ',', cells)) fail_here("an unclosed quote");
    auto cell = [&](const char* name) -> std::string {
      const auto it = column.find(name);
      return it == column.end() || it->second >= cells.size() ? std::string() : std::string(trim_blanks(cells[it->second]));
    };
    const std::string case_ref = cell("case_ref"), exhibit_ref = cell("exhibit_ref"), examiner = cell("examiner");
    const std::string source = cell("source"), profile = cell("profile");
    for (const auto& [name, value] : {std::pair{"case_ref", &case_ref}, {"exhibit_ref", &exhibit_ref}, {"source", &source}})
      if (value->empty()) fail_here(fmt::format("no {}", name));
    const fs::path source_path = fs::absolute(base / source).lexically_normal();
    std::error_code ec;
    if (!fs::exists(source_path, ec)) fail_here(fmt::format("source '{}' does not exist", source_path.string()));
    if (!profile.empty()) {
      auto [it, fresh] = profile_ok.emplace(profile, false);
      if (fresh) {
        try {
          (void)load_profile(profile);
          it->second = true;
        } catch (const std::exception&) {
        }
      }
      if (!it->second) fail_here(fmt::format("unknown profile '{}' (uk, vics-us or a profile JSON file)", profile));
    }
    const auto key = std::pair{case_ref, exhibit_ref};
    if (const auto it = seen.find(key); it != seen.end()) {
      BatchExhibit& ex = exhibits[it->second];
      if (it->second + 1 != exhibits.size())
        fail_here(fmt::format("duplicate exhibit: case '{}' exhibit '{}' was given at line {}, and other exhibits since "
                              "(give an exhibit's sources on adjacent rows)",
                              case_ref, exhibit_ref, ex.row));
      if (!examiner.empty() && examiner != ex.examiner)
        fail_here(fmt::format("examiner '{}' differs from '{}' given for this exhibit at line {}", examiner, ex.examiner, ex.row));
      if (!profile.empty() && profile != ex.profile)
        fail_here(fmt::format("profile '{}' differs from '{}' given for this exhibit at line {}", profile, ex.profile, ex.row));
      if (std::find(ex.sources.begin(), ex.sources.end(), source_path.string()) != ex.sources.end())
        fail_here(fmt::format("source '{}' given twice for this exhibit", source_path.string()));
      ex.sources.push_back(source_path.string());
      continue;
    }
    BatchExhibit ex;
    ex.index = exhibits.size();
    ex.case_ref = case_ref;
    ex.exhibit_ref = exhibit_ref;
    ex.examiner = examiner;
    ex.profile = profile;
    ex.sources.push_back(source_path.string());
    ex.dir = dir_name(case_ref, exhibit_ref);
    ex.row = in.position().line;
    if (const auto it = dirs.find(ex.dir); it != dirs.end())
      fail_here(fmt::format("case '{}' exhibit '{}' would share the folder '{}' with the exhibit at line {}", case_ref,
                            exhibit_ref, ex.dir, exhibits[it->second].row));
    dirs.emplace(ex.dir, ex.index);
    seen.emplace(key, ex.index);
    exhibits.push_back(std::move(ex));
  }
  if (exhibits.empty()) fail(file, in.position(), "no exhibit rows");
  return exhibits;
}

}  // namespace triage
