#include "formats/hashset/vpdq_reader.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/text/line_reader.h"

namespace triage::hashset {
namespace {

// The next comma-separated cell of `rest` (consumed).
std::string_view next_cell(std::string_view& rest) {
  const auto comma = rest.find(',');
  const std::string_view cell = rest.substr(0, comma);
  rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  return cell;
}

template <class T>
bool parse_number(std::string_view text, T& value) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

// "# key: value" -> value when the comment has that key.
bool header_value(std::string_view line, std::string_view key, std::string_view& value) {
  line.remove_prefix(1);  // '#'
  line = trim_blanks(line);
  if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ':') return false;
  value = trim_blanks(line.substr(key.size() + 1));
  return true;
}

}  // namespace

bool parse_vpdq_line(std::string_view line, VideoFrameHash& frame) {
  std::string_view rest = trim_blanks(line);
  const auto number = next_cell(rest), quality = next_cell(rest), hex = next_cell(rest), time = next_cell(rest);
  if (!rest.empty() || hex.size() != 64) return false;
  std::int64_t n = 0;
  int q = 0;
  double t = 0;
  if (!parse_number(trim_blanks(number), n) || n < 0 || !parse_number(trim_blanks(quality), q) || q < 0 || q > 100 ||
      !parse_number(trim_blanks(time), t) || !std::isfinite(t))
    return false;
  const auto hash = PdqHash::from_hex(hex);
  if (!hash) return false;
  frame.frame = n;
  frame.timestamp = t;
  frame.pdq.hash = *hash;
  frame.pdq.quality = q;
  return true;
}

std::string format_vpdq_line(const VideoFrameHash& frame) {
  return fmt::format("{},{},{},{:.3f}", frame.frame, frame.pdq.quality, frame.pdq.hash.to_hex(), frame.timestamp);
}

bool is_vpdq_file(const std::filesystem::path& file) {
  try {
    LineReader in(file);
    std::string_view line;
    while (in.next(line)) {
      line = trim_blanks(line);
      if (line.empty() || line.starts_with('#')) continue;
      VideoFrameHash frame;
      return parse_vpdq_line(line, frame);
    }
  } catch (const InputError&) {
  }
  return false;
}

std::vector<KnownVideo> read_vpdq_file(const std::filesystem::path& file) {
  LineReader in(file);
  std::vector<KnownVideo> out;
  std::string_view line;
  while (in.next(line)) {
    line = trim_blanks(line);
    if (line.empty()) continue;
    std::string_view value;
    if (line.starts_with('#')) {
      if (header_value(line, "video", value)) {
        out.push_back({std::string(value), {}, {}});
      } else if (header_value(line, "category", value)) {
        if (out.empty()) out.push_back({file.stem().string(), {}, {}});
        out.back().category = value;
      }
      continue;
    }
    VideoFrameHash frame;
    if (!parse_vpdq_line(line, frame))
      fail(file, in.position(), "not a vPDQ frame line (FRAME,QUALITY,PDQ_HEX64,TIMESTAMP)");
    if (out.empty()) out.push_back({file.stem().string(), {}, {}});
    out.back().frames.push_back(frame);
  }
  return out;
}

}  // namespace triage::hashset
