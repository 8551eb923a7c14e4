#include "formats/vmdisk/vhdi_disk.h"

#include <libvhdi.h>

#include <algorithm>

#include "formats/vmdisk/libyal_chain.h"

namespace triage {
namespace {

std::string guid_text(const std::array<std::uint8_t, 16>& g) {
  return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                     g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

// Differential VHD and VHDX through libvhdi (Debian libvhdi-dev; libvhdi.h). The parent is
// named in the dynamic disk header's Parent Unicode Name (VHD specification, Dynamic Disk
// Header) or the parent locator's relative or absolute path (MS-VHDX 2.6.2.6), as libvhdi
// returns it; its identifier must be the one the child records (Parent Unique ID), or reads
// would mix two unrelated disks.
struct VhdiTraits {
  using File = libvhdi_file_t;
  using Error = libvhdi_error_t;
  static constexpr const char* kName = "VHD";
  static constexpr int kOpenRead = LIBVHDI_OPEN_READ;
  static constexpr auto initialize = libvhdi_file_initialize;
  static constexpr auto free = libvhdi_file_free;
  static constexpr auto open = libvhdi_file_open;
  static constexpr auto close = libvhdi_file_close;
  static constexpr auto read_at = libvhdi_file_read_buffer_at_offset;
  static constexpr auto media_size = libvhdi_file_get_media_size;
  static constexpr auto error_sprint = libvhdi_error_sprint;
  static constexpr auto error_free = libvhdi_error_free;

  static std::string format(File* file) {
    int type = 0;
    libvhdi_file_get_file_type(file, &type, nullptr);
    return type == LIBVHDI_FILE_TYPE_VHDX ? "vhdx" : "vhd";
  }

  static std::optional<triage::Error> check(File*, const std::string&) { return std::nullopt; }

  static bool differential(File* file) {
    std::uint32_t type = 0;
    return libvhdi_file_get_disk_type(file, &type, nullptr) == 1 && type == LIBVHDI_DISK_TYPE_DIFFERENTIAL;
  }

  static std::optional<std::string> parent_name(File* file) {
    if (!differential(file)) return std::nullopt;
    std::size_t size = 0;
    if (libvhdi_file_get_utf8_parent_filename_size(file, &size, nullptr) != 1 || size <= 1) return std::string();
    std::string name(size, '\0');
    if (libvhdi_file_get_utf8_parent_filename(file, reinterpret_cast<std::uint8_t*>(name.data()), size, nullptr) != 1)
      return std::string();
    name.resize(size - 1);
    return name;
  }

  static std::optional<triage::Error> adopt(File* child, File* parent, const std::string& child_path,
                                            const std::string& parent_path) {
    std::array<std::uint8_t, 16> wanted{}, found{};
    if (libvhdi_file_get_parent_identifier(child, wanted.data(), wanted.size(), nullptr) == 1 &&
        libvhdi_file_get_identifier(parent, found.data(), found.size(), nullptr) == 1 && wanted != found)
      return triage::Error{"open", fmt::format("'{}' needs the parent disk with identifier {}, but '{}' is disk {}",
                                               child_path, guid_text(wanted), parent_path, guid_text(found))};
    Error* error = nullptr;
    if (libvhdi_file_set_parent_file(child, parent, &error) != 1)
      return triage::Error{"open", fmt::format("'{}': parent '{}' not usable: {}", child_path, parent_path,
                                               LibyalChain<VhdiTraits>::take(error))};
    return std::nullopt;
  }
};

}  // namespace

std::optional<Result<std::unique_ptr<VirtualDisk>>> open_differential_vhdi(const std::string& path,
                                                                            const ParentSearch& parents) {
  // Only a differential disk is taken from libtsk, which reads the others (and fails on these).
  libvhdi_file_t* file = nullptr;
  if (libvhdi_file_initialize(&file, nullptr) != 1) return std::nullopt;
  bool differential = false;
  if (libvhdi_file_open(file, path.c_str(), LIBVHDI_OPEN_READ, nullptr) == 1) {
    differential = VhdiTraits::differential(file);
    libvhdi_file_close(file, nullptr);
  }
  libvhdi_file_free(&file, nullptr);
  if (!differential) return std::nullopt;
  return LibyalChain<VhdiTraits>::open(path, parents);
}

std::string libvhdi_version() { return libvhdi_get_version(); }

}  // namespace triage
