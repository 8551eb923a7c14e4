#pragma once
// Reading text inputs an examiner gives (hash lists, grade sheets): where in the file something
// was found, the error naming it, and the small cell helpers their readers share.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace triage {

// A fatal problem with an input file; the message names the file and the line and/or byte offset.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where in the input something was found: line is 0 when the format has no lines (JSON, binary);
// row counts rows of an SQLite source instead.
struct SourcePosition {
  std::uint64_t line = 0;
  std::uint64_t byte = 0;
  std::uint64_t row = 0;
};

std::string describe(const SourcePosition& where);  // "line 12 (byte 345)", "byte 345" or "row 7"

// "FILE: line 12 (byte 345): reason" as an InputError.
[[noreturn]] void fail(const std::filesystem::path& file, SourcePosition where, std::string_view reason);

// `s` without leading and trailing spaces and tabs (the blanks text lists pad fields with).
inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ASCII lower case.
std::string lower_ascii(std::string_view text);

// True when every character is a hex digit and there is at least one.
bool is_hex(std::string_view text);

// Parses "true"/"false"/"1"/"0"/"yes"/"no" (any case); nullopt otherwise.
std::optional<bool> parse_flag(std::string_view text);

// A size cell: decimal digits only; nullopt otherwise.
std::optional<std::uint64_t> parse_size(std::string_view text);

// Splits one delimited line with RFC 4180 quoting ("" inside quotes); false when a quote is left
// open. Cells are unquoted.
bool split_delimited(std::string_view line, char delimiter, std::vector<std::string>& cells);

}  // namespace triage
