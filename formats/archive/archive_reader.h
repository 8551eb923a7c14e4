#pragma once
// libarchive (Debian libarchive-dev, 3.6) over a RandomAccessReader: one archive's entries and
// their data, in the order the archive stores them. Random access matters: ZIP is read from
// its central directory (ZIP64, data descriptors) and 7z from its header at the end, as
// libarchive does when it is given a seek callback (archive_read_set_seek_callback; see
// archive_read_open(3), archive_read_data(3), archive_read_add_passphrase(3)).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"
#include "core/pipeline/random_access_reader.h"
#include "core/result.h"

namespace triage {

struct ArchiveEntry {
  enum class Type { file, directory, symlink, hardlink, other };
  std::string name;  // as stored: UTF-8 when the archive says so (ZIP flag, pax), else its bytes
  Type type = Type::file;
  std::string link_target;           // symlink and hard link: what it names
  std::optional<std::uint64_t> size;  // unset for a single compressed stream
  std::optional<UnixNanos> mtime, atime, ctime, btime;
  bool encrypted = false;  // its data (or its header) is encrypted
};

class ArchiveReader {
 public:
  enum class Layout {
    archive,             // ZIP, 7z, RAR 4 and 5, TAR, cpio, ar
    compressed_archive,  // a TAR, cpio or ar inside gzip, bzip2, xz, zstd or lz4
    single_stream,       // one compressed file: one entry named "data"
  };
  // Opens the `size` bytes of `reader`. Passwords are tried in turn on encrypted entries (ZIP
  // traditional and AES, as libarchive decrypts). For Layout::archive, `signature` (what
  // archive_signature named) chooses the one format read; empty tries them all.
  static Result<ArchiveReader> open(RandomAccessReader& reader, std::uint64_t size,
                                    const std::vector<std::string>& passwords, Layout layout,
                                    std::string_view signature = {});
  ArchiveReader(ArchiveReader&&) noexcept;
  ArchiveReader& operator=(ArchiveReader&&) noexcept;
  ~ArchiveReader();

  // The next entry; nullopt at the end; an Error when the archive cannot be read on.
  Result<std::optional<ArchiveEntry>> next();
  // The current entry's data, from where the last read ended: the count, 0 at its end.
  Result<std::size_t> read(std::span<std::byte> out);
  // libarchive's name of the format and of the compression ("ZIP 2.0 (deflation)", "gzip").
  std::string format_name() const;
  std::string filter_name() const;
  // True when libarchive saw encryption it cannot undo or that needs a password (7z headers,
  // RAR, ZIP without the right password).
  bool has_encrypted_entries() const;

 private:
  struct State;
  explicit ArchiveReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace triage
