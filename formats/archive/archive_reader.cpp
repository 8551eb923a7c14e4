#include "formats/archive/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

#include <fmt/format.h>

#include <cstdio>

namespace triage {
namespace {

// libarchive converts names to the charset of the current locale, and triage runs in the "C"
// locale, where every non-ASCII name (a RAR's UTF-16, a ZIP's UTF-8 flag) fails to convert and
// comes back empty. This thread uses a UTF-8 locale while libarchive works (uselocale is per
// thread; libarchive reads the charset when an archive is opened and converts as it reads).
class Utf8Locale {
 public:
  Utf8Locale() : previous_(::uselocale(utf8())) {}
  ~Utf8Locale() { ::uselocale(previous_); }
  Utf8Locale(const Utf8Locale&) = delete;
  Utf8Locale& operator=(const Utf8Locale&) = delete;

 private:
  static locale_t utf8() {
    // C.UTF-8 is built into glibc (2.35 and later); without it (locale_t)0 leaves the locale as it is.
    static const locale_t locale = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    return locale;
  }
  locale_t previous_;
};

}  // namespace

struct ArchiveReader::State {
  RandomAccessReader& reader;
  std::uint64_t size = 0;
  std::uint64_t position = 0;
  std::vector<std::byte> buffer = std::vector<std::byte>(1u << 20);
  std::string read_error;  // the reader's own failure, told in place of libarchive's
  archive* a = nullptr;

  State(RandomAccessReader& r, std::uint64_t n) : reader(r), size(n) {}
  ~State() {
    if (a != nullptr) archive_read_free(a);
  }

  std::string error_text() const {
    if (!read_error.empty()) return read_error;
    const char* text = archive_error_string(a);
    return text != nullptr ? text : "unknown libarchive error";
  }

  static la_ssize_t read_callback(archive*, void* self_ptr, const void** out) {
    auto* self = static_cast<State*>(self_ptr);
    *out = self->buffer.data();
    if (self->position >= self->size) return 0;
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(self->buffer.size(), self->size - self->position));
    auto got = self->reader.read_at(self->position, std::span(self->buffer).first(want));
    if (!got) {
      self->read_error = fmt::format("read failed at byte {}: {}", self->position, got.error().message);
      return -1;
    }
    self->position += *got;
    return static_cast<la_ssize_t>(*got);
  }

  static la_int64_t seek_callback(archive*, void* self_ptr, la_int64_t offset, int whence) {
    auto* self = static_cast<State*>(self_ptr);
    const auto size = static_cast<la_int64_t>(self->size);
    la_int64_t target = offset;
    if (whence == SEEK_CUR) target = static_cast<la_int64_t>(self->position) + offset;
    else if (whence == SEEK_END) target = size + offset;
    if (target < 0) return ARCHIVE_FATAL;
    self->position = static_cast<std::uint64_t>(std::min(target, size));
    return static_cast<la_int64_t>(self->position);
  }

  static la_int64_t skip_callback(archive*, void* self_ptr, la_int64_t request) {
    auto* self = static_cast<State*>(self_ptr);
    if (request <= 0) return 0;
    const std::uint64_t step = std::min<std::uint64_t>(static_cast<std::uint64_t>(request), self->size - self->position);
    self->position += step;
    return static_cast<la_int64_t>(step);
  }
};

ArchiveReader::ArchiveReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
ArchiveReader::ArchiveReader(ArchiveReader&&) noexcept = default;
ArchiveReader& ArchiveReader::operator=(ArchiveReader&&) noexcept = default;
ArchiveReader::~ArchiveReader() = default;

namespace {

using Support = int (*)(archive*);

Support format_of_signature(std::string_view signature) {
  if (signature == "zip") return archive_read_support_format_zip;
  if (signature == "7z") return archive_read_support_format_7zip;
  if (signature == "rar") return archive_read_support_format_rar;
  if (signature == "rar5") return archive_read_support_format_rar5;
  if (signature == "tar") return archive_read_support_format_tar;
  if (signature == "cpio") return archive_read_support_format_cpio;
  if (signature == "ar") return archive_read_support_format_ar;
  return nullptr;
}

}  // namespace

std::string libarchive_version() { return archive_version_string() + std::string_view("libarchive ").size(); }

Result<ArchiveReader> ArchiveReader::open(RandomAccessReader& reader, std::uint64_t size,
                                          const std::vector<std::string>& passwords, Layout layout,
                                          std::string_view signature) {
  const Utf8Locale utf8;
  auto state = std::make_unique<State>(reader, size);
  state->a = archive_read_new();
  if (state->a == nullptr) return Error{"archive", "libarchive could not allocate a reader"};
  archive* a = state->a;
  archive_read_support_filter_all(a);
  // The formats archive_signature opens, not format_all: its mtree reader would take some
  // plain text inside a compressed stream for an archive. In a compressed stream only the
  // streaming formats: the ZIP and 7z readers seek to the stream's end, which means inflating
  // all of it before the first member (and failing on a truncated one).
  std::vector<Support> formats;
  switch (layout) {
    case Layout::archive:
      // Only the format the first bytes name: with every reader enabled, the seeking ZIP reader
      // bids on an end-of-central-directory record found near the end, and a RAR 5 holding a
      // stored ZIP last was read as that ZIP (libarchive's test_read_format_rar5 zip-in-rar).
      formats = {archive_read_support_format_zip, archive_read_support_format_7zip, archive_read_support_format_rar,
                 archive_read_support_format_rar5, archive_read_support_format_tar, archive_read_support_format_cpio,
                 archive_read_support_format_ar};
      if (auto named = format_of_signature(signature)) formats = {named};
      break;
    case Layout::compressed_archive:
      formats = {archive_read_support_format_tar, archive_read_support_format_cpio, archive_read_support_format_ar};
      break;
    case Layout::single_stream: formats = {archive_read_support_format_raw}; break;
  }
  for (Support support : formats) support(a);
  for (const auto& p : passwords) archive_read_add_passphrase(a, p.c_str());
  archive_read_set_read_callback(a, &State::read_callback);
  archive_read_set_seek_callback(a, &State::seek_callback);
  archive_read_set_skip_callback(a, &State::skip_callback);
  archive_read_set_callback_data(a, state.get());
  if (archive_read_open1(a) != ARCHIVE_OK) return Error{"archive", state->error_text()};
  return ArchiveReader(std::move(state));
}

namespace {

// A time the archive keeps; libarchive marks some readers' absent times as set to 0 (the
// epoch to the nanosecond is no archive's real time).
std::optional<UnixNanos> time_of(int is_set, time_t seconds, long nanos) {
  if (is_set == 0 || (seconds == 0 && nanos == 0)) return std::nullopt;
  return static_cast<UnixNanos>(seconds) * 1'000'000'000 + nanos;
}

// UTF-32 (wchar_t on Linux) to UTF-8; code points that are not Unicode become U+FFFD.
std::string utf8_of(const wchar_t* text) {
  std::string out;
  for (; *text != L'\0'; ++text) {
    auto c = static_cast<std::uint32_t>(*text);
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// A name of the entry (its path, a link's target): UTF-8 when libarchive can give it so; else the
// wide form it decoded (RAR and ZIP Unicode names, which its UTF-8 conversion refuses in the C
// locale), else the bytes as stored; nullopt when the entry has none.
std::optional<std::string> text_of(archive_entry* e, const char* (*utf8)(archive_entry*),
                                   const wchar_t* (*wide)(archive_entry*), const char* (*raw)(archive_entry*)) {
  // An empty form is a conversion that failed (the RAR reader leaves one so): the next is tried.
  if (const char* u = utf8(e); u != nullptr && *u != '\0') return std::string(u);
  if (const wchar_t* w = wide(e); w != nullptr && *w != L'\0') return utf8_of(w);
  if (const char* r = raw(e); r != nullptr) return std::string(r);
  return std::nullopt;
}

}  // namespace

Result<std::optional<ArchiveEntry>> ArchiveReader::next() {
  const Utf8Locale utf8;
  archive_entry* e = nullptr;
  const int r = archive_read_next_header(state_->a, &e);
  if (r == ARCHIVE_EOF) return std::optional<ArchiveEntry>();
  // ARCHIVE_WARN: the entry is there (a name not convertible, an unknown extension); go on.
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return Error{"archive", state_->error_text()};
  ArchiveEntry out;
  out.name = text_of(e, archive_entry_pathname_utf8, archive_entry_pathname_w, archive_entry_pathname).value_or("");
  if (auto hard = text_of(e, archive_entry_hardlink_utf8, archive_entry_hardlink_w, archive_entry_hardlink)) {
    out.type = ArchiveEntry::Type::hardlink;
    out.link_target = std::move(*hard);
  } else {
    switch (archive_entry_filetype(e)) {
      case AE_IFREG: out.type = ArchiveEntry::Type::file; break;
      case AE_IFDIR: out.type = ArchiveEntry::Type::directory; break;
      case AE_IFLNK: {
        out.type = ArchiveEntry::Type::symlink;
        out.link_target =
            text_of(e, archive_entry_symlink_utf8, archive_entry_symlink_w, archive_entry_symlink).value_or("");
        break;
      }
      case 0: out.type = ArchiveEntry::Type::file; break;  // the raw format sets no type
      default: out.type = ArchiveEntry::Type::other; break;
    }
  }
  if (archive_entry_size_is_set(e) != 0 && archive_entry_size(e) >= 0)
    out.size = static_cast<std::uint64_t>(archive_entry_size(e));
  out.mtime = time_of(archive_entry_mtime_is_set(e), archive_entry_mtime(e), archive_entry_mtime_nsec(e));
  out.atime = time_of(archive_entry_atime_is_set(e), archive_entry_atime(e), archive_entry_atime_nsec(e));
  out.ctime = time_of(archive_entry_ctime_is_set(e), archive_entry_ctime(e), archive_entry_ctime_nsec(e));
  out.btime = time_of(archive_entry_birthtime_is_set(e), archive_entry_birthtime(e), archive_entry_birthtime_nsec(e));
  out.encrypted = archive_entry_is_encrypted(e) != 0;
  return std::optional<ArchiveEntry>(std::move(out));
}

Result<std::size_t> ArchiveReader::read(std::span<std::byte> out) {
  const Utf8Locale utf8;
  const la_ssize_t n = archive_read_data(state_->a, out.data(), out.size());
  if (n < 0) return Error{"archive", state_->error_text()};
  return static_cast<std::size_t>(n);
}

std::string ArchiveReader::format_name() const {
  const char* name = archive_format_name(state_->a);
  return name != nullptr ? name : "";
}

bool ArchiveReader::has_encrypted_entries() const {
  const int r = archive_read_has_encrypted_entries(state_->a);
  return r > 0 || r == ARCHIVE_READ_FORMAT_ENCRYPTION_UNSUPPORTED;
}

std::string ArchiveReader::filter_name() const {
  // Filter 0 is the outermost; the last one is "none" (the bytes as read).
  const int count = archive_filter_count(state_->a);
  const char* name = count > 1 ? archive_filter_name(state_->a, 0) : nullptr;
  return name != nullptr ? name : "";
}

}  // namespace triage
