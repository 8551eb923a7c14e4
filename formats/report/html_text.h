#pragma once
// Evidence-derived text in HTML and CSS. Names on seized media are hostile input: markup,
// quotes, invalid UTF-8 and bidi overrides must all come out as inert, visible text.
#include <string>
#include <string_view>

namespace triage {

// Appends `bytes` as HTML text content: & < > " ' escaped; invalid UTF-8 as U+FFFD; control
// characters (C0, DEL, C1) and bidi controls (U+061C, U+200E, U+200F, U+202A..U+202E,
// U+2066..U+2069) as a visible marker <span class="ctl">U+202E</span> so that they can
// neither reorder the text around them nor hide.
void append_html_text(std::string& out, std::string_view bytes);
std::string html_text(std::string_view bytes);

// A CSS string literal (with quotes) holding `bytes` as plain text: anything but letters,
// digits and space is a CSS hex escape, so it cannot close the string or the <style> element.
std::string css_string(std::string_view bytes);

}  // namespace triage
