#pragma once
// Runs the whole command line in-process with captured streams.
#include <atomic>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/app.h"

namespace triage::test {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

// `interrupted`: as if SIGINT had arrived before the command began.
inline CliRun run_cli(const std::vector<std::string>& args, bool interrupted_from_start = false) {
  std::vector<const char*> argv{"triage"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  std::atomic<bool> interrupted{interrupted_from_start};
  CliRun run;
  run.exit_code = cli::run(static_cast<int>(argv.size()), argv.data(), {out, err, false, interrupted});
  run.out = out.str();
  run.err = err.str();
  return run;
}

// One JSON value per line of JSON Lines output; throws if any line is not JSON.
inline std::vector<nlohmann::json> parse_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// The lines of a scan's JSON Lines output that are errors of `kind` ("corrupt_file_system"...).
inline std::vector<nlohmann::json> error_rows(const std::vector<nlohmann::json>& lines, const std::string& kind) {
  std::vector<nlohmann::json> out;
  for (const auto& line : lines)
    if (line.contains("error") && line["error"] == kind) out.push_back(line);
  return out;
}

// A key's text, "" when absent or not a string.
inline std::string text_of(const nlohmann::json& item, const char* key) {
  const auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// RFC 4180 reader: rows of cells, quotes doubled inside quoted cells, CRLF row ends.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
      ++i;
    } else {
      cell += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace triage::test
