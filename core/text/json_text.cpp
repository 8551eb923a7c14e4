#include "core/text/json_text.h"

#include <fmt/format.h>

#include <cmath>

#include "core/text/utf8.h"

namespace triage {

void append_json_string(std::string& out, std::string_view bytes) {
  // RFC 8259 section 7: '"', '\\' and U+0000..U+001F must be escaped.
  const std::string text = is_valid_utf8(bytes) ? std::string(bytes) : to_utf8_lossy(bytes);
  out += '"';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    const auto c = static_cast<unsigned char>(ch);
    // Bidi controls (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) as JSON u-escapes: the parsed
    // string is the same, but a person reading the file sees them instead of reordered text.
    if (c == 0xE2 && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
      if ((b1 == 0x80 && (b2 == 0x8E || b2 == 0x8F || (b2 >= 0xAA && b2 <= 0xAE))) ||
          (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9)) {
        out += fmt::format("\\u{:04x}", ((c & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu));
        i += 2;
        continue;
      }
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  return fmt::format("{}", value);
}

JsonObject::JsonObject(std::string& out) : out_(out) { out_ += '{'; }
JsonObject::~JsonObject() { close(); }

void JsonObject::close() {
  if (!closed_) {
    out_ += '}';
    closed_ = true;
  }
}

void JsonObject::key(std::string_view k) {
  if (!first_) out_ += ',';
  first_ = false;
  append_json_string(out_, k);
  out_ += ':';
}

JsonObject& JsonObject::string(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(out_, value);
  return *this;
}
JsonObject& JsonObject::string_or_null(std::string_view k, std::string_view value) {
  if (value.empty()) return null(k);
  return string(k, value);
}
JsonObject& JsonObject::number(std::string_view k, std::int64_t value) {
  key(k);
  out_ += fmt::format("{}", value);
  return *this;
}
JsonObject& JsonObject::number(std::string_view k, std::uint64_t value) {
  key(k);
  out_ += fmt::format("{}", value);
  return *this;
}
JsonObject& JsonObject::number(std::string_view k, double value) {
  key(k);
  out_ += json_number(value);
  return *this;
}
JsonObject& JsonObject::boolean(std::string_view k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
  return *this;
}
JsonObject& JsonObject::null(std::string_view k) {
  key(k);
  out_ += "null";
  return *this;
}
JsonObject& JsonObject::raw(std::string_view k, std::string_view json) {
  key(k);
  out_ += json;
  return *this;
}
std::string& JsonObject::value(std::string_view k) {
  key(k);
  return out_;
}

}  // namespace triage
