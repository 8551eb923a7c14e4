#include "core/evidence/evidence_path.h"

#include <charconv>

namespace triage {
namespace {

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

// "p2(ntfs@1048576)" or "unpartitioned@0"; nullopt for anything else.
std::optional<EvidenceSegment> segment_from(std::string_view text) {
  EvidenceSegment s;
  if (text.starts_with("unpartitioned@")) {
    auto offset = number(text.substr(14));
    if (!offset) return std::nullopt;
    s.kind = EvidenceSegment::Kind::unpartitioned;
    s.offset = *offset;
    return s;
  }
  const auto open = text.find('(');
  const auto at = text.rfind('@');
  if (open == std::string_view::npos || at == std::string_view::npos || at < open || !text.ends_with(')') ||
      open == 0)
    return std::nullopt;
  auto offset = number(text.substr(at + 1, text.size() - at - 2));
  if (!offset) return std::nullopt;
  s.name = std::string(text.substr(0, open));
  s.type = std::string(text.substr(open + 1, at - open - 1));
  s.offset = *offset;
  return s;
}

std::string segment_text(const EvidenceSegment& s) {
  if (s.kind == EvidenceSegment::Kind::unpartitioned) return "unpartitioned@" + std::to_string(s.offset);
  return s.name + "(" + s.type + "@" + std::to_string(s.offset) + ")";
}

}  // namespace

std::string escape_path_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (c == '%') out += "%25";
    else if (c == ':') out += "%3A";
    else out += c;
  }
  return out;
}

std::optional<std::string> unescape_path_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const std::string_view code = text.substr(i + 1, 2);
    if (code == "25") out += '%';
    else if (code == "3A") out += ':';
    else return std::nullopt;
    i += 2;
  }
  return out;
}

EvidencePath EvidencePath::volume(std::string name, std::string type, std::uint64_t offset) const {
  EvidencePath p = *this;
  p.segments_.push_back({EvidenceSegment::Kind::volume, std::move(name), std::move(type), offset});
  return p;
}

EvidencePath EvidencePath::unpartitioned(std::uint64_t offset) const {
  EvidencePath p = *this;
  p.segments_.push_back({EvidenceSegment::Kind::unpartitioned, {}, {}, offset});
  return p;
}

EvidencePath EvidencePath::file(std::string path_inside, std::string stream) const {
  EvidencePath p = *this;
  p.in_file_system_ = true;
  p.path_inside_ = std::move(path_inside);
  p.stream_ = std::move(stream);
  return p;
}

EvidencePath EvidencePath::carved(std::uint64_t offset) const {
  EvidencePath p = *this;
  p.carved_at_ = offset;
  return p;
}

EvidencePath EvidencePath::in_folder(std::string folder, std::string relative) {
  EvidencePath p(std::move(folder));
  p.folder_ = true;
  p.path_inside_ = std::move(relative);
  return p;
}

std::string EvidencePath::to_string() const {
  if (folder_) return path_inside_.empty() ? source_ : source_ + "/" + path_inside_;
  std::string out = source_;
  for (const auto& s : segments_) out += "/" + segment_text(s);
  if (carved_at_) return out + "/unalloc@" + std::to_string(*carved_at_);
  if (in_file_system_) {
    out += ":/" + escape_path_name(path_inside_);
    if (!stream_.empty()) out += ":" + escape_path_name(stream_);
  }
  return out;
}

std::optional<EvidencePath> EvidencePath::parse(std::string_view text, std::string_view source, bool folder_source) {
  if (!text.starts_with(source)) return std::nullopt;
  std::string_view rest = text.substr(source.size());
  if (folder_source) {
    if (rest.empty()) return in_folder(std::string(source), {});
    if (!rest.starts_with('/')) return std::nullopt;
    return in_folder(std::string(source), std::string(rest.substr(1)));
  }
  EvidencePath p{std::string(source)};
  while (!rest.empty()) {
    if (rest.starts_with(":/")) {  // the file system: the rest is the path inside it
      const std::string_view inside = rest.substr(2);
      const auto colon = inside.find(':');
      auto path = unescape_path_name(inside.substr(0, colon));
      auto stream = unescape_path_name(colon == std::string_view::npos ? std::string_view() : inside.substr(colon + 1));
      if (!path || !stream) return std::nullopt;
      return p.file(std::move(*path), std::move(*stream));
    }
    if (!rest.starts_with('/')) return std::nullopt;
    rest.remove_prefix(1);
    const auto end = rest.find_first_of("/:");
    const std::string_view part = rest.substr(0, end);
    if (part.starts_with("unalloc@") && end == std::string_view::npos) {
      auto offset = number(part.substr(8));
      if (!offset) return std::nullopt;
      return p.carved(*offset);
    }
    auto segment = segment_from(part);
    if (!segment) return std::nullopt;
    p.segments_.push_back(std::move(*segment));
    rest.remove_prefix(part.size());
  }
  return p;
}

}  // namespace triage
