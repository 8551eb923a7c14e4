#pragma once
// RFC 4180 CSV cells. Text cells that a spreadsheet would run as a formula (leading = + - @,
// tab or carriage return) are neutralised with a leading apostrophe (OWASP CSV injection).
#include <string>
#include <string_view>

namespace triage {

// A text cell: neutralised, quoted when needed, invalid UTF-8 shown as U+FFFD.
void append_csv_text(std::string& out, std::string_view text);

// A cell we formatted ourselves (numbers, digests, ISO times): quoted when needed, never altered.
void append_csv_plain(std::string& out, std::string_view value);

}  // namespace triage
