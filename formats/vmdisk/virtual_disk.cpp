#include "formats/vmdisk/virtual_disk.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "formats/vmdisk/qcow_disk.h"
#include "formats/vmdisk/vhdi_disk.h"

namespace triage {
namespace fs = std::filesystem;

namespace {

// The first bytes of the file: QCOW "QFI\xFB" (QEMU docs/interop/qcow2.txt), VHD footer copy
// "conectix" at 0 of a dynamic or differential disk (Microsoft VHD Image Format Specification,
// Hard Disk Footer: a fixed disk has it only at its end), VHDX "vhdxfile" (MS-VHDX 2.2.1).
std::array<char, 8> head_of(const std::string& path) {
  std::array<char, 8> head{};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return head;
  if (::pread(fd, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size())) head.fill(0);
  ::close(fd);
  return head;
}

std::string_view last_name(std::string_view recorded) {
  const auto cut = recorded.find_last_of("/\\");
  return cut == std::string_view::npos ? recorded : recorded.substr(cut + 1);
}

}  // namespace

std::optional<std::string> find_parent(const std::string& child, const std::string& recorded,
                                       const ParentSearch& parents) {
  const std::string_view name = last_name(recorded);
  if (name.empty()) return std::nullopt;
  for (const auto& given : parents.given)
    if (fs::path(given).filename() == fs::path(std::string(name)) && fs::is_regular_file(given)) return given;
  const fs::path folder = fs::path(child).parent_path();
  std::error_code ec;
  if (recorded.find('\\') == std::string::npos) {
    const fs::path as_recorded = fs::path(recorded).is_absolute() ? fs::path(recorded) : folder / recorded;
    if (fs::is_regular_file(as_recorded, ec)) return as_recorded.string();
  }
  const fs::path beside = folder / std::string(name);
  if (fs::is_regular_file(beside, ec)) return beside.string();
  return std::nullopt;
}

std::optional<Result<std::unique_ptr<VirtualDisk>>> open_virtual_disk(const std::string& path,
                                                                       const ParentSearch& parents) {
  const auto head = head_of(path);
  const std::string_view magic(head.data(), head.size());
  if (magic.starts_with("QFI\xFB")) return open_qcow_disk(path, parents);
  if (magic == "conectix" || magic == "vhdxfile") return open_differential_vhdi(path, parents);
  return std::nullopt;
}

}  // namespace triage
