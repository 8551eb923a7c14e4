#pragma once
// The libyal image libraries (libqcow, libvhdi) share one API shape: a file handle opened
// read-only, a parent set on a child (libqcow_file_set_parent_file, libvhdi_file_set_parent_file),
// reads at an offset, errors as libyal error objects. LibyalChain opens a disk and its chain of
// parents with one set of rules; a Traits type adapts each library.
#include <fmt/format.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "formats/vmdisk/virtual_disk.h"

namespace triage {

// The chain of parents a disk may have before it is taken for a loop or a hostile file.
inline constexpr int kMaxParentDepth = 16;

template <typename Traits>
class LibyalChain final : public VirtualDisk {
 public:
  using File = typename Traits::File;

  static Result<std::unique_ptr<VirtualDisk>> open(const std::string& path, const ParentSearch& parents) {
    std::unique_ptr<LibyalChain> chain(new LibyalChain());
    std::string current = path;
    for (int depth = 0;; ++depth) {
      File* file = nullptr;
      if (auto failed = open_file(current, file)) return *failed;
      chain->handles_.push_back(file);
      chain->files_.push_back(current);
      if (auto failed = Traits::check(file, current)) return *failed;
      if (chain->handles_.size() > 1) {
        File* child = chain->handles_[chain->handles_.size() - 2];
        if (auto failed = Traits::adopt(child, file, chain->files_[chain->files_.size() - 2], current)) return *failed;
      }
      const std::optional<std::string> recorded = Traits::parent_name(file);
      if (!recorded) break;
      if (depth + 1 >= kMaxParentDepth)
        return Error{"open", fmt::format("'{}': a chain of more than {} parent disks", path, kMaxParentDepth)};
      auto found = find_parent(current, *recorded, parents);
      if (!found)
        return Error{"open", fmt::format("'{}' is a differential {} disk: its parent '{}' was not found (looked beside "
                                         "it and among --parent files); give it with --parent",
                                         current, Traits::kName, *recorded)};
      current = *found;
    }
    // Parents are set child to parent; the media is the first file's, reads go through it.
    typename Traits::Error* error = nullptr;
    std::uint64_t size = 0;
    if (Traits::media_size(chain->handles_.front(), &size, &error) != 1)
      return Error{"open", fmt::format("'{}': {}", path, take(error))};
    chain->media_size_ = size;
    chain->format_ = Traits::format(chain->handles_.front());
    return std::unique_ptr<VirtualDisk>(std::move(chain));
  }

  ~LibyalChain() override {
    for (File* file : handles_) {  // the child first: it holds its parent
      Traits::close(file, nullptr);
      Traits::free(&file, nullptr);
    }
  }

  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset >= media_size_ || out.empty()) return std::size_t{0};
    typename Traits::Error* error = nullptr;
    const ssize_t got = Traits::read_at(handles_.front(), out.data(), out.size(), static_cast<off64_t>(offset), &error);
    if (got < 0) return Error{"read", fmt::format("{} read at offset {}: {}", Traits::kName, offset, take(error))};
    return static_cast<std::size_t>(got);
  }

  // libyal's error text (its last line names the cause), the error freed.
  static std::string take(typename Traits::Error* error) {
    if (error == nullptr) return "unknown error";
    std::array<char, 1024> text{};
    Traits::error_sprint(error, text.data(), text.size());
    Traits::error_free(&error);
    std::string out(text.data());
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    const auto last = out.find_last_of('\n');
    return last == std::string::npos ? out : out.substr(last + 1);
  }

 private:
  LibyalChain() = default;

  static std::optional<Error> open_file(const std::string& path, File*& file) {
    typename Traits::Error* error = nullptr;
    if (Traits::initialize(&file, &error) != 1) return Error{"open", take(error)};
    if (Traits::open(file, path.c_str(), Traits::kOpenRead, &error) != 1) {
      Traits::free(&file, nullptr);
      return Error{"open", fmt::format("'{}' is not a {} disk libyal can read: {}", path, Traits::kName, take(error))};
    }
    return std::nullopt;
  }

  std::vector<File*> handles_;
};

}  // namespace triage
