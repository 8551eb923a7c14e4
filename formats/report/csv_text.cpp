#include "formats/report/csv_text.h"

#include "core/text/utf8.h"

namespace triage {
namespace {

void append_quoted_if_needed(std::string& out, std::string_view cell) {
  const bool needs_quotes = cell.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
  if (!needs_quotes) {
    out += cell;
    return;
  }
  out += '"';
  for (const char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

void append_csv_text(std::string& out, std::string_view text) {
  std::string cell = is_valid_utf8(text) ? std::string(text) : to_utf8_lossy(text);
  if (!cell.empty()) {
    const char first = cell.front();
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r')
      cell.insert(cell.begin(), '\'');
  }
  append_quoted_if_needed(out, cell);
}

void append_csv_plain(std::string& out, std::string_view value) { append_quoted_if_needed(out, value); }

}  // namespace triage
