#include "formats/vmdisk/qcow_disk.h"

#include <libqcow.h>

#include "formats/vmdisk/libyal_chain.h"

namespace triage {
namespace {

// QCOW through libqcow (Debian libqcow-dev; libqcow.h). The backing file a QCOW2 overlay names
// is its header's backing_file_offset/size string (QEMU docs/interop/qcow2.txt), as qemu-img
// records it: the name given to -b, relative to the overlay's folder unless absolute.
struct QcowTraits {
  using File = libqcow_file_t;
  using Error = libqcow_error_t;
  static constexpr const char* kName = "QCOW";
  static constexpr int kOpenRead = LIBQCOW_OPEN_READ;
  static constexpr auto initialize = libqcow_file_initialize;
  static constexpr auto free = libqcow_file_free;
  static constexpr auto open = libqcow_file_open;
  static constexpr auto close = libqcow_file_close;
  static constexpr auto read_at = libqcow_file_read_buffer_at_offset;
  static constexpr auto media_size = libqcow_file_get_media_size;
  static constexpr auto error_sprint = libqcow_error_sprint;
  static constexpr auto error_free = libqcow_error_free;

  static std::string format(File*) { return "qcow"; }

  static std::optional<triage::Error> check(File* file, const std::string& path) {
    std::uint32_t method = 0;
    if (libqcow_file_get_encryption_method(file, &method, nullptr) == 1 && method != LIBQCOW_ENCRYPTION_METHOD_NONE)
      return triage::Error{"open", fmt::format("'{}' is an encrypted QCOW disk ({}): not supported", path,
                                               method == LIBQCOW_ENCRYPTION_METHOD_LUKS ? "LUKS" : "AES-128-CBC")};
    return std::nullopt;
  }

  static std::optional<std::string> parent_name(File* file) {
    std::size_t size = 0;
    if (libqcow_file_get_utf8_backing_filename_size(file, &size, nullptr) != 1 || size <= 1) return std::nullopt;
    std::string name(size, '\0');
    if (libqcow_file_get_utf8_backing_filename(file, reinterpret_cast<std::uint8_t*>(name.data()), size, nullptr) != 1)
      return std::nullopt;
    name.resize(size - 1);
    return name;
  }

  static std::optional<triage::Error> adopt(File* child, File* parent, const std::string& child_path,
                                            const std::string& parent_path) {
    Error* error = nullptr;
    if (libqcow_file_set_parent_file(child, parent, &error) != 1)
      return triage::Error{"open", fmt::format("'{}': backing file '{}' not usable: {}", child_path, parent_path,
                                               LibyalChain<QcowTraits>::take(error))};
    return std::nullopt;
  }
};

}  // namespace

Result<std::unique_ptr<VirtualDisk>> open_qcow_disk(const std::string& path, const ParentSearch& parents) {
  return LibyalChain<QcowTraits>::open(path, parents);
}

std::string libqcow_version() { return libqcow_get_version(); }

}  // namespace triage
