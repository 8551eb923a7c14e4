// Helpers for reading examiners' text inputs (text_input.h).
#include "core/text/text_input.h"

#include <fmt/format.h>

#include <charconv>

namespace triage {

std::string describe(const SourcePosition& where) {
  if (where.row > 0) return fmt::format("row {}", where.row);
  if (where.line == 0) return fmt::format("byte {}", where.byte);
  return fmt::format("line {} (byte {})", where.line, where.byte);
}

void fail(const std::filesystem::path& file, SourcePosition where, std::string_view reason) {
  if (where.line == 0 && where.byte == 0 && where.row == 0)
    throw InputError(fmt::format("{}: {}", file.string(), reason));
  throw InputError(fmt::format("{}: {}: {}", file.string(), describe(where), reason));
}

bool is_hex(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<bool> parse_flag(std::string_view text) {
  const std::string t = lower_ascii(text);
  if (t == "true" || t == "1" || t == "yes" || t == "y") return true;
  if (t == "false" || t == "0" || t == "no" || t == "n") return false;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

bool split_delimited(std::string_view line, char delimiter, std::vector<std::string>& cells) {
  cells.clear();
  std::string cell;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"' && !was_quoted && cell.find_first_not_of(" \t") == std::string::npos) {
      cell.clear();
      quoted = true;
      was_quoted = true;
    } else if (c == delimiter) {
      cells.push_back(std::move(cell));
      cell.clear();
      was_quoted = false;
    } else if (!was_quoted || (c != ' ' && c != '\t')) {
      cell += c;
    }
  }
  if (quoted) return false;
  cells.push_back(std::move(cell));
  return true;
}

}  // namespace triage
