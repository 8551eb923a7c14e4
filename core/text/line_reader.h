#pragma once
// Streams a text file line by line with a fixed buffer (bounded memory on multi-GB exports),
// giving each line's number and byte offset. A NUL byte or a line longer than the limit is an
// InputError: such a file is binary, not a text list.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "core/text/text_input.h"

namespace triage {

class LineReader {
 public:
  static constexpr std::size_t kMaxLine = 1 << 20;

  explicit LineReader(const std::filesystem::path& file);  // throws InputError when unreadable
  // The next line without its CR/LF (a leading UTF-8 BOM dropped); false at the end.
  bool next(std::string_view& line);
  // Where the line last returned starts.
  SourcePosition position() const { return {line_number_, line_offset_}; }
  const std::filesystem::path& file() const { return file_; }

 private:
  bool refill();
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::filesystem::path file_;
  std::unique_ptr<std::FILE, Closer> in_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t base_ = 0;  // file offset of buf_[0]
  std::uint64_t line_number_ = 0, line_offset_ = 0;
  bool eof_ = false;
};

}  // namespace triage
