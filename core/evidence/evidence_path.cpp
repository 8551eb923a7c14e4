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

constexpr std::string_view kMemberSeparator = "!/";

// A folder's relative path: written as it is but for a '!' ending a folder's name.
std::string escape_folder_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '!' && i + 1 < path.size() && path[i + 1] == '/') out += "%21";
    else out += path[i];
  }
  return out;
}

std::string unescape_folder_path(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 4) == "%21/") {
      out += '!';
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// "a!/b!/c" -> the text before the first separator, then each member name (unescaped);
// nullopt when a member name is malformed.
std::optional<std::vector<std::string>> split_members(std::string_view text, std::string_view& head) {
  std::vector<std::string> members;
  auto at = text.find(kMemberSeparator);
  head = text.substr(0, at);
  while (at != std::string_view::npos) {
    text.remove_prefix(at + kMemberSeparator.size());
    at = text.find(kMemberSeparator);
    auto name = unescape_path_name(text.substr(0, at));
    if (!name) return std::nullopt;
    members.push_back(std::move(*name));
  }
  return members;
}

std::string segment_text(const EvidenceSegment& s) {
  if (s.kind == EvidenceSegment::Kind::unpartitioned) return "unpartitioned@" + std::to_string(s.offset);
  return s.name + "(" + s.type + "@" + std::to_string(s.offset) + ")";
}

}  // namespace

std::string escape_path_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '%') out += "%25";
    else if (c == ':') out += "%3A";
    else if (c == '!' && i + 1 < name.size() && name[i + 1] == '/') out += "%21";
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
    else if (code == "21") out += '!';
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

std::string_view file_name_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string member_path(std::string_view container, std::string_view name) {
  return std::string(container) + std::string(kMemberSeparator) + escape_path_name(name);
}

EvidencePath EvidencePath::member(std::string name) const {
  EvidencePath p = *this;
  p.members_.push_back(std::move(name));
  return p;
}

std::string EvidencePath::to_string() const {
  std::string out = source_;
  if (folder_) {
    if (!path_inside_.empty()) out += "/" + escape_folder_path(path_inside_);
  } else {
    for (const auto& s : segments_) out += "/" + segment_text(s);
    if (carved_at_) {
      out += "/unalloc@" + std::to_string(*carved_at_);
    } else if (in_file_system_) {
      out += ":/" + escape_path_name(path_inside_);
      if (!stream_.empty()) out += ":" + escape_path_name(stream_);
    }
  }
  for (const auto& m : members_) out += std::string(kMemberSeparator) + escape_path_name(m);
  return out;
}

std::optional<EvidencePath> EvidencePath::parse(std::string_view text, std::string_view source, bool folder_source) {
  if (!text.starts_with(source)) return std::nullopt;
  std::string_view rest = text.substr(source.size());
  if (folder_source) {
    std::string_view relative;
    auto members = split_members(rest, relative);
    // "folder/" names nothing below the folder.
    if (!members || (!relative.empty() && !relative.starts_with('/')) || relative == "/") return std::nullopt;
    EvidencePath p = in_folder(std::string(source), relative.empty() ? std::string() : unescape_folder_path(relative.substr(1)));
    p.members_ = std::move(*members);
    return p;
  }
  EvidencePath p{std::string(source)};
  while (!rest.empty()) {
    if (rest.starts_with(":/")) {  // the file system: the rest is the path inside it, then members
      std::string_view inside;
      auto members = split_members(rest.substr(2), inside);
      const auto colon = inside.find(':');
      auto path = unescape_path_name(inside.substr(0, colon));
      auto stream = unescape_path_name(colon == std::string_view::npos ? std::string_view() : inside.substr(colon + 1));
      if (!path || !stream || !members) return std::nullopt;
      if (colon != std::string_view::npos && stream->empty()) return std::nullopt;  // "a:" is no stream
      p = p.file(std::move(*path), std::move(*stream));
      p.members_ = std::move(*members);
      return p;
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
