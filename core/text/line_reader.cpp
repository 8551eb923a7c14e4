#include "core/text/line_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace triage {

LineReader::LineReader(const std::filesystem::path& file) : file_(file) {
  in_.reset(std::fopen(file.c_str(), "rb"));
  if (!in_) throw InputError(file.string() + ": cannot open: " + std::strerror(errno));
  // A small file gets a small buffer (refill() grows it if the file turns out longer).
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  buf_.resize(ec ? kMaxLine * 2 : std::clamp<std::size_t>(static_cast<std::size_t>(size) + 1, 4096, kMaxLine * 2));
}

bool LineReader::refill() {
  if (eof_) return false;
  if (pos_ > 0) {  // keep the unread tail at the front
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    base_ += pos_;
    pos_ = 0;
  }
  if (end_ == buf_.size()) buf_.resize(kMaxLine * 2);  // next() fails before a line outgrows this
  const std::size_t got = std::fread(buf_.data() + end_, 1, buf_.size() - end_, in_.get());
  if (got == 0) {
    if (std::ferror(in_.get())) fail(file_, {line_number_ + 1, base_ + end_}, std::string("read error: ") + std::strerror(errno));
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

bool LineReader::next(std::string_view& line) {
  std::size_t len = 0, consumed = 0;
  for (;;) {
    const auto* nl = static_cast<const char*>(std::memchr(buf_.data() + pos_, '\n', end_ - pos_));
    if (nl != nullptr) {
      len = static_cast<std::size_t>(nl - (buf_.data() + pos_));
      consumed = len + 1;
      break;
    }
    if (end_ - pos_ > kMaxLine) fail(file_, {line_number_ + 1, base_ + pos_}, "line longer than 1 MiB: not a text hash list");
    if (refill()) continue;
    if (pos_ == end_) return false;
    len = end_ - pos_;  // the last line, without a newline
    consumed = len;
    break;
  }
  if (len > kMaxLine) fail(file_, {line_number_ + 1, base_ + pos_}, "line longer than 1 MiB: not a text hash list");
  ++line_number_;
  line_offset_ = base_ + pos_;
  line = std::string_view(buf_.data() + pos_, len);
  pos_ += consumed;
  if (const void* nul = std::memchr(line.data(), '\0', line.size()); nul != nullptr)
    fail(file_, {line_number_, line_offset_ + static_cast<std::uint64_t>(static_cast<const char*>(nul) - line.data())},
         "NUL byte: binary data, not a text hash list");
  if (line_number_ == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

}  // namespace triage
