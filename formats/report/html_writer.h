#pragma once
// Writing report HTML piece by piece into an OutputSink: markup as given, evidence text escaped
// (html_text.h), evidence paths isolated from the text direction around them.
#include <string>
#include <string_view>

#include "core/text/hex.h"
#include "core/text/utf8.h"
#include "formats/report/html_text.h"
#include "formats/report/output_sink.h"

namespace triage {

struct Html {
  explicit Html(OutputSink& to) : sink(to), out(to.buffer()) {}
  OutputSink& sink;
  std::string& out;
  Html& raw(std::string_view s) {
    out += s;
    return *this;
  }
  Html& text(std::string_view s) {
    append_html_text(out, s);
    return *this;
  }
  // An evidence path: isolated from surrounding text direction, hex shown when not UTF-8.
  Html& path(const std::string& p) {
    raw("<bdi class=\"path\">").text(p).raw("</bdi>");
    if (!is_valid_utf8(p)) raw("<br><span class=\"mono\">bytes (hex): ").raw(to_hex(p)).raw("</span>");
    return *this;
  }
  Html& or_not_recorded(const std::string& s) {
    if (s.empty()) return raw("<em>not recorded</em>");
    return text(s);
  }
  Html& kv(std::string_view key, const std::string& value) {
    return raw("<tr><th>").text(key).raw("</th><td>").or_not_recorded(value).raw("</td></tr>\n");
  }
};

}  // namespace triage
