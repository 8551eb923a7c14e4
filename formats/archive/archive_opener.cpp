#include "formats/archive/archive_opener.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include "core/evidence/device_layout.h"
#include "core/evidence/evidence_path.h"
#include "core/media/archive_signatures.h"
#include "core/media/sniff.h"
#include "core/pipeline/fd_reader.h"
#include "formats/archive/archive_reader.h"

namespace triage {
namespace {

constexpr std::size_t kChunk = 1u << 20;
// Members beyond a limit are listed one row each up to this many per outermost archive, then
// one row says how the listing ended (a bomb may hold millions).
constexpr int kMaxLimitRows = 1000;

// What one outermost archive may still expand to, its nested archives included.
struct Budget {
  std::uint64_t limit = 0;
  std::uint64_t used = 0;
  std::string rule;  // how the limit was set, for the rows
  int limit_rows = 0;
  std::uint64_t left() const { return limit > used ? limit - used : 0; }
};

// A single compressed file's member is named after it, its compression suffix dropped
// ("photo.jpg.gz" -> "photo.jpg", "a.tgz" -> "a.tar"), as gzip -l and unxz name it.
std::string stream_member_name(const std::string& container_path) {
  const auto cut = container_path.find_last_of("/!");
  std::string name = container_path.substr(cut == std::string::npos ? 0 : cut + 1);
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kSuffixes{{
      {".tgz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"}, {".txz", ".tar"}, {".tzst", ".tar"}, {".gz", ""},
      {".bz2", ""}, {".xz", ""}, {".zst", ""}, {".zstd", ""}, {".lz4", ""}}};
  for (const auto& [suffix, replacement] : kSuffixes)
    if (lower.size() > suffix.size() && lower.ends_with(suffix))
      return name.substr(0, name.size() - suffix.size()) + std::string(replacement);
  return "data";  // libarchive's own name for it
}

// Reads a member forward only, as load_content asks for it: its head, kept so that it can be
// read again from offset 0, then the rest in order. Every byte read counts against the budget.
class ForwardReader final : public RandomAccessReader {
 public:
  ForwardReader(ArchiveReader& archive, Budget& budget, std::vector<std::byte> head)
      : archive_(archive), budget_(budget), head_(std::move(head)), position_(head_.size()) {}

  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    std::size_t done = 0;
    if (offset < head_.size()) {
      done = std::min(out.size(), head_.size() - static_cast<std::size_t>(offset));
      std::copy_n(head_.begin() + static_cast<std::ptrdiff_t>(offset), done, out.begin());
      if (done == out.size()) return done;
    }
    if (offset + done != position_) return Error{"read", "archive member read out of order"};
    auto got = archive_.read(out.subspan(done));
    if (!got) return Error{"read", "archive member data unreadable: " + got.error().message};
    position_ += *got;
    budget_.used += *got;
    if (budget_.used > budget_.limit)
      return Error{"archive_limit", fmt::format("expansion limit reached ({}): the rest not read", budget_.rule)};
    return done + *got;
  }

 private:
  ArchiveReader& archive_;
  Budget& budget_;
  std::vector<std::byte> head_;
  std::uint64_t position_;
};

// A member read whole: in memory, or spooled to an unnamed file of the case directory when it
// is larger than memory may hold.
struct WholeMember {
  std::vector<std::byte> memory;
  UniqueFd spool;
  std::uint64_t size = 0;
  std::optional<Error> failure;  // why the read stopped early
};

class Expansion {
 public:
  Expansion(const ArchiveOptions& options, const ArchiveOpener& opener, const ContentPolicy& policy, WalkSink& sink,
            Budget& budget)
      : options_(options), opener_(opener), policy_(policy), sink_(sink), budget_(budget) {}

  void expand(RandomAccessReader& reader, const ItemRecord& container, int depth) {
    std::vector<std::byte> head(static_cast<std::size_t>(std::min<std::uint64_t>(kArchiveSignatureBytes, container.size)));
    if (auto got = read_fully(reader, 0, head); got) head.resize(*got);
    const auto signature = archive_signature(head);
    const bool compressed = signature && is_compressed_stream(*signature);
    using Layout = ArchiveReader::Layout;
    bool single_stream = false;
    auto opened = ArchiveReader::open(reader, container.size, options_.passwords,
                                      compressed ? Layout::compressed_archive : Layout::archive,
                                      signature.value_or(std::string_view{}));
    std::optional<Result<std::optional<ArchiveEntry>>> first;
    if (opened) first.emplace(opened->next());
    // A compressed file holding no archive, or none with a member: zeros read as TAR are an
    // empty archive, and a gzip of zeros is no TAR. (A TAR cut short inside its first member is
    // read so too: its one member, the TAR bytes, then says it is damaged.)
    if (compressed && (!opened || !*first || !**first)) {
      single_stream = true;
      opened = ArchiveReader::open(reader, container.size, options_.passwords, Layout::single_stream);
      if (opened) first.emplace(opened->next());
    }
    if (!opened) {
      problem(container.path, "archive_damaged", "not readable as an archive: " + opened.error().message);
      return;
    }
    std::uint64_t members = 0;
    DeviceRoot device(depth == 1 ? options_.extraction_root : std::string());
    for (auto entry = std::move(*first);; entry = opened->next()) {
      if (sink_.stopping()) return;
      if (!entry) {
        const bool encrypted = opened->has_encrypted_entries();
        problem(container.path, encrypted ? "encrypted_archive" : "archive_damaged",
                fmt::format("{} {} after {} members: {}", opened->format_name(),
                            encrypted ? "encrypted beyond what libarchive opens: read stopped"
                                      : "archive damaged: read stopped",
                            members, entry.error().message));
        return;
      }
      if (!*entry) return;  // the end
      ++members;
      ArchiveEntry& e = **entry;
      if (single_stream) e.name = stream_member_name(container.path);
      member(*opened, e, container, depth, device.path_of(e.name, container.path, *this));
    }
  }

 private:
  // The device's root in one archive: given (--extraction-root), or the first layout a member
  // shows, announced once; members read before that one have no device path.
  class DeviceRoot {
   public:
    explicit DeviceRoot(std::string given) {
      if (!given.empty()) root_ = std::move(given);
    }
    std::string path_of(const std::string& name, const std::string& container_path, Expansion& expansion) {
      if (!root_) {
        if (auto layout = recognise_device_layout(name)) {
          root_ = layout->root;
          expansion.problem(container_path, "device_extraction",
                            fmt::format("{} file system inside, its root at '{}' (recognised by {}): members carry "
                                        "their path on the device (device_path)",
                                        layout->platform, layout->root.empty() ? "/" : layout->root, layout->anchor),
                            false);
        }
      }
      if (!root_) return {};
      return device_path_of(name, *root_).value_or("");
    }

   private:
    std::optional<std::string> root_;
  };

  void member(ArchiveReader& archive, const ArchiveEntry& e, const ItemRecord& container, int depth,
              std::string device_path) {
    const std::string path = member_path(container.path, e.name);
    switch (e.type) {
      case ArchiveEntry::Type::directory: return;
      case ArchiveEntry::Type::symlink:
        return problem(path, "symlink_not_followed", "symbolic link to '" + e.link_target + "' in the archive, not followed",
                       false);
      case ArchiveEntry::Type::hardlink:
        return problem(path, "hard_link",
                       "hard link to member '" + e.link_target + "': the same content, listed under that name", false);
      case ArchiveEntry::Type::other: return problem(path, "special_file", "device, fifo or socket in the archive, not examined");
      case ArchiveEntry::Type::file: break;
    }
    if (e.encrypted && options_.passwords.empty())
      return problem(path, "encrypted_member", "encrypted archive member, not examined (no --archive-password given)");
    if (budget_.left() == 0 || (e.size && *e.size > budget_.left())) return beyond_limit(path, e.size);

    ItemRecord r;
    r.path = path;
    r.mime = "application/octet-stream";
    r.fs.mtime = e.mtime;
    r.fs.atime = e.atime;
    r.fs.ctime = e.ctime;
    r.fs.btime = e.btime;
    r.fs.deleted = container.fs.deleted;  // a member of a deleted archive is deleted with it
    r.fs.device_path = std::move(device_path);
    const bool committed = sink_.skip_committed(path);

    // The head tells whether the member must be read twice: an archive to open, or a large
    // video whose frames are hashed from a reader that seeks.
    std::vector<std::byte> head(static_cast<std::size_t>(
        std::min<std::uint64_t>(std::max(policy_.head_size, kArchiveSignatureBytes), e.size.value_or(UINT64_MAX))));
    auto got = read_counted(archive, head);
    if (!got) return unreadable(path, e, got.error(), committed, std::move(r));
    head.resize(*got);
    const bool nested = opener_.opens(head);
    const MediaKind kind = sniff_media(head);
    // (Any large media when it is to be extracted: streamed_media reads it from the start again.)
    const bool large_video = ((kind.type == MediaType::video && policy_.large_video) ||
                              (kind.type != MediaType::other && policy_.streamed_media)) &&
                             e.size.value_or(UINT64_MAX) > policy_.whole_read_limit;
    if (nested && depth >= options_.max_depth) {
      problem(path, "archive_depth",
              fmt::format("archive inside {} archives: not opened (--archive-depth {})", depth, options_.max_depth));
    }
    const bool open_nested = nested && depth < options_.max_depth;
    if (committed && !open_nested) return;  // --resume: committed before, nothing inside to walk

    if (!e.size || open_nested || large_video) {  // read whole: its size, or a second read, is needed
      WholeMember whole = read_whole(archive, std::move(head));
      if (whole.failure) return unreadable(path, e, *whole.failure, committed, std::move(r));
      r.size = whole.size;
      SpanReader in_memory(whole.memory);
      FdReader spooled(whole.spool.get());
      RandomAccessReader& reader = whole.spool.get() >= 0 ? static_cast<RandomAccessReader&>(spooled) : in_memory;
      if (!committed) load(reader, std::move(r));
      if (open_nested) {
        ItemRecord inner;
        inner.path = path;
        inner.size = whole.size;
        inner.fs.deleted = container.fs.deleted;
        expand(reader, inner, depth + 1);
      }
      return;
    }
    r.size = *e.size;
    ForwardReader forward(archive, budget_, std::move(head));
    load(forward, std::move(r));
  }

  void load(RandomAccessReader& reader, ItemRecord r) {
    WalkedItem walked;
    auto content = load_content(reader, r, policy_);
    if (content) walked.content = std::move(*content);
    else r.problems.push_back(content.error());
    walked.record = std::move(r);
    sink_.item(std::move(walked));
  }

  // A member whose data could not be read: encrypted (no password given opens it), beyond the
  // limit, or damaged. An error row, or the item with the reason when its data is damaged.
  void unreadable(const std::string& path, const ArchiveEntry& e, const Error& error, bool committed, ItemRecord r) {
    if (error.stage == "archive_limit") return beyond_limit(path, e.size);
    if (committed || error.stage == "interrupted") return;
    if (e.encrypted)
      return problem(path, "encrypted_member",
                     fmt::format("encrypted archive member, not examined: none of the {} passwords given opens it ({})",
                                 options_.passwords.size(), error.message));
    r.size = e.size.value_or(0);
    r.problems.push_back({"read", "archive member data unreadable: " + error.message});
    sink_.item(WalkedItem{std::move(r), {}});
  }

  void beyond_limit(const std::string& path, std::optional<std::uint64_t> size) {
    if (++budget_.limit_rows > kMaxLimitRows) return;
    if (budget_.limit_rows == kMaxLimitRows)
      return problem(path, "archive_limit",
                     fmt::format("expansion limit reached ({}): this member and any after it in the archive not "
                                 "expanded, and not listed one by one",
                                 budget_.rule));
    problem(path, "archive_limit",
            fmt::format("{}not expanded: expansion limit reached ({})",
                        size ? fmt::format("member of {} bytes ", *size) : std::string("member "), budget_.rule));
  }

  // Reads into `out` until it is full or the member ends; the count.
  Result<std::size_t> read_counted(ArchiveReader& archive, std::span<std::byte> out) {
    std::size_t done = 0;
    while (done < out.size()) {
      auto got = archive.read(out.subspan(done));
      if (!got) return got.error();
      if (*got == 0) break;
      done += *got;
      budget_.used += *got;
      if (budget_.used > budget_.limit) return Error{"archive_limit", "expansion limit reached"};
    }
    return done;
  }

  WholeMember read_whole(ArchiveReader& archive, std::vector<std::byte> head) {
    WholeMember out;
    out.size = head.size();
    out.memory = std::move(head);
    std::vector<std::byte> chunk(kChunk);
    for (;;) {
      if (sink_.stopping()) {
        out.failure = Error{"interrupted", "stop requested"};
        return out;
      }
      auto got = read_counted(archive, chunk);
      if (!got) {
        out.failure = got.error();
        return out;
      }
      if (*got == 0) return out;
      const auto bytes = std::span(chunk).first(*got);
      if (out.spool.get() < 0 && out.memory.size() + bytes.size() > policy_.whole_read_limit) {
        if (auto failed = start_spool(out)) {
          out.failure = failed;
          return out;
        }
      }
      if (out.spool.get() >= 0) {
        if (auto failed = write_all(out.spool.get(), bytes)) {
          out.failure = failed;
          return out;
        }
      } else {
        out.memory.insert(out.memory.end(), bytes.begin(), bytes.end());
      }
      out.size += *got;
    }
  }

  // An unnamed file in the case directory (O_TMPFILE: nothing to remove, even after a crash),
  // holding what was read so far.
  std::optional<Error> start_spool(WholeMember& m) {
    if (options_.spool_dir.empty())
      return Error{"read", fmt::format("member larger than {} bytes must be read twice and no spool folder is set",
                                       policy_.whole_read_limit)};
    UniqueFd fd(::open(options_.spool_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (fd.get() < 0) {  // a file system without O_TMPFILE: a named file, removed at once
      std::string name = (options_.spool_dir / "member-spool-XXXXXX").string();
      fd = UniqueFd(::mkstemp(name.data()));
      if (fd.get() >= 0) ::unlink(name.c_str());
    }
    if (fd.get() < 0)
      return Error{"read", fmt::format("cannot spool the member to {}: {}", options_.spool_dir.string(), std::strerror(errno))};
    if (auto failed = write_all(fd.get(), m.memory)) return failed;
    m.memory.clear();
    m.memory.shrink_to_fit();
    m.spool = std::move(fd);
    return std::nullopt;
  }

  static std::optional<Error> write_all(int fd, std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Error{"read", fmt::format("cannot spool the member: {}", std::strerror(errno))};
      bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return std::nullopt;
  }

  void problem(const std::string& path, const char* kind, std::string message, bool is_error = true) {
    report_problem(sink_, path, kind, std::move(message), is_error);
  }

  const ArchiveOptions& options_;
  const ArchiveOpener& opener_;
  const ContentPolicy& policy_;
  WalkSink& sink_;
  Budget& budget_;
};

}  // namespace

ArchiveOpener::ArchiveOpener(ArchiveOptions options) : options_(std::move(options)) {}

bool ArchiveOpener::opens(std::span<const std::byte> head) const { return archive_signature(head).has_value(); }

void ArchiveOpener::walk_members(RandomAccessReader& reader, const ItemRecord& container, const ContentPolicy& policy,
                                 WalkSink& sink) const {
  Budget budget;
  const std::uint64_t by_ratio =
      container.size > UINT64_MAX / std::max<std::uint64_t>(options_.max_ratio, 1) ? UINT64_MAX : container.size * options_.max_ratio;
  budget.limit = std::max(options_.ratio_floor, by_ratio);
  budget.rule = fmt::format("{} bytes: {} times the archive's {} bytes, at least {}", budget.limit, options_.max_ratio,
                            container.size, options_.ratio_floor);
  if (options_.max_expand != 0 && options_.max_expand < budget.limit) {
    budget.limit = options_.max_expand;
    budget.rule = fmt::format("{} bytes in all (--max-expand)", budget.limit);
  }
  Expansion(options_, *this, policy, sink, budget).expand(reader, container, 1);
}

}  // namespace triage
