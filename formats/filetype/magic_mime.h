#pragma once
// MIME types from libmagic (the only folder that includes <magic.h>), for files that
// core/media/sniff.h does not identify as media.
#include <cstddef>
#include <memory>
#include <span>
#include <string>

struct magic_set;  // libmagic's cookie type (magic_t is magic_set*)

namespace triage {

// One libmagic handle with the default database loaded, asking for the MIME type only.
//
// Thread safety: a libmagic handle keeps per-call state (result buffers, error text) and must
// not be used by two threads at once. Give each worker thread its own MagicMime; do not share
// one behind a lock on the hot path. Constructing one loads the compiled database (a few ms),
// so create it once per thread, not per file.
//
// Only buffers are examined (magic_buffer), never paths: nothing is opened, followed or
// decompressed, and no helper process is spawned.
class MagicMime {
 public:
  // Throws std::runtime_error when the handle cannot be created or the database cannot load.
  MagicMime();
  ~MagicMime();
  MagicMime(MagicMime&&) noexcept;
  MagicMime& operator=(MagicMime&&) noexcept;
  MagicMime(const MagicMime&) = delete;
  MagicMime& operator=(const MagicMime&) = delete;

  // The MIME type of a file's leading bytes, e.g. "text/plain", "application/pdf";
  // "application/octet-stream" when libmagic fails. Pass the first bytes of the file (a few
  // KiB is enough for most types; libmagic looks at no more than 1 MiB by default).
  std::string mime_of(std::span<const std::byte> head);

 private:
  struct Close {
    void operator()(magic_set* cookie) const noexcept;
  };
  std::unique_ptr<magic_set, Close> cookie_;
};

// The libmagic in use ("5.44").
std::string magic_library_version();

}  // namespace triage
