#include "formats/report/html_text.h"

#include <fmt/format.h>

#include "core/text/utf8.h"

namespace triage {
namespace {

// Calls fn(code_point) for each code point of valid UTF-8 `text`.
template <typename Fn>
void for_each_code_point(std::string_view text, Fn&& fn) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len && i + k < text.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    fn(cp, text.substr(i, len));
    i += len;
  }
}

bool is_hidden_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

std::string valid_utf8(std::string_view bytes) {
  return is_valid_utf8(bytes) ? std::string(bytes) : to_utf8_lossy(bytes);
}

}  // namespace

void append_html_text(std::string& out, std::string_view bytes) {
  for_each_code_point(valid_utf8(bytes), [&](char32_t cp, std::string_view raw) {
    switch (cp) {
      case '&': out += "&amp;"; return;
      case '<': out += "&lt;"; return;
      case '>': out += "&gt;"; return;
      case '"': out += "&quot;"; return;
      case '\'': out += "&#39;"; return;
      default: break;
    }
    if (is_hidden_control(cp)) out += fmt::format("<span class=\"ctl\">U+{:04X}</span>", static_cast<std::uint32_t>(cp));
    else out += raw;
  });
}

std::string html_text(std::string_view bytes) {
  std::string out;
  append_html_text(out, bytes);
  return out;
}

std::string css_string(std::string_view bytes) {
  std::string out = "\"";
  for_each_code_point(valid_utf8(bytes), [&](char32_t cp, std::string_view raw) {
    const bool plain = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == ' ';
    if (plain) out += raw;
    else if (is_hidden_control(cp)) out += fmt::format(" U+{:04X} ", static_cast<std::uint32_t>(cp));
    else out += fmt::format("\\{:x} ", static_cast<std::uint32_t>(cp));  // CSS 2.1 4.1.3: hex escape, space ends it
  });
  return out + "\"";
}

}  // namespace triage
