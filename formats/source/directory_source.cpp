#include "formats/source/directory_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/pipeline/fd_reader.h"

namespace triage {
namespace {

UnixNanos to_nanos(const struct statx_timestamp& ts) {
  return static_cast<UnixNanos>(ts.tv_sec) * 1'000'000'000 + static_cast<UnixNanos>(ts.tv_nsec);
}

// statx without following a final symbolic link; btime when the file system keeps it.
bool stat_entry(const std::string& path, struct statx& st, bool follow_link) {
  const int flags = (follow_link ? 0 : AT_SYMLINK_NOFOLLOW) | AT_NO_AUTOMOUNT;
  return ::statx(AT_FDCWD, path.c_str(), flags, STATX_BASIC_STATS | STATX_BTIME, &st) == 0;
}

FsFacts facts_of(const struct statx& st) {
  FsFacts facts;
  facts.inode = st.stx_ino;
  facts.mtime = to_nanos(st.stx_mtime);
  facts.atime = to_nanos(st.stx_atime);
  facts.ctime = to_nanos(st.stx_ctime);
  if (st.stx_mask & STATX_BTIME) facts.btime = to_nanos(st.stx_btime);
  return facts;
}

// Opens for reading only; O_NOATIME keeps the access time as it was where we may use it.
int open_evidence(const std::string& path, bool follow_link) {
  const int base = O_RDONLY | O_CLOEXEC | (follow_link ? 0 : O_NOFOLLOW);
  int fd = ::open(path.c_str(), base | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), base);
  return fd;
}

const char* special_kind(std::uint16_t mode) {
  if (S_ISFIFO(mode)) return "named pipe";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  return "special file";
}

std::string join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

class Walker {
 public:
  // With `totals`, the walk only counts files and bytes (and hands each file's path to `listed`,
  // when set): nothing is opened or reported.
  Walker(WalkSink& sink, const ContentPolicy& policy, WalkTotals* totals = nullptr,
         std::function<void(const std::string&)> listed = {})
      : sink_(sink), policy_(policy), totals_(totals), listed_(std::move(listed)) {}

  // The root is followed if it is a link (the user named it); nothing below it is. `depth` counts
  // folders above the entry: the walk recurses, so a hostile tree thousands of levels deep is
  // recorded at kMaxDepth instead of exhausting the stack.
  void walk_entry(const std::string& path, bool follow_link = false, int depth = 0) {
    struct statx st {};
    if (!stat_entry(path, st, follow_link)) {
      report(path, "unreadable", fmt::format("cannot stat: {}", std::strerror(errno)));
      return;
    }
    const auto mode = st.stx_mode;
    if (S_ISREG(mode)) {
      walk_file(path, st, follow_link);
    } else if (S_ISDIR(mode)) {
      if (depth >= kMaxDepth) {
        report(path, "too_deep", fmt::format("folder nested more than {} levels deep: not descended", kMaxDepth));
        return;
      }
      walk_directory(path, st, depth);
    } else if (S_ISLNK(mode)) {
      std::string target(4096, '\0');
      const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
      target.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
      report(path, "symlink_not_followed", "symbolic link to '" + target + "' not followed", false);
    } else {
      report(path, "special_file", fmt::format("{} not examined", special_kind(mode)));
    }
  }

 private:
  void report(const std::string& path, std::string kind, std::string message, bool is_error = true) {
    if (totals_ != nullptr) return;
    WalkProblem p;
    p.path = path;
    p.kind = std::move(kind);
    p.message = std::move(message);
    p.is_error = is_error;
    sink_.problem(std::move(p));
  }

  // Not inlined into walk_entry: its large frame would otherwise be on the stack at every level.
  [[gnu::noinline]] void walk_file(const std::string& path, const struct statx& st, bool follow_link) {
    if (totals_ != nullptr) {
      totals_->files += 1;
      totals_->bytes += st.stx_size;
      if (listed_) listed_(path);
      return;
    }
    // --resume: committed before the interruption, so not read again; an archive is still opened
    // for its members that were not. Another pass's (a prioritised scan): not opened at all.
    const Take take = sink_.take(path, st.stx_size);
    if (take == Take::elsewhere) return;
    const bool committed = take == Take::committed;
    if (committed && !policy_.containers) return;
    WalkedItem walked;
    walked.record.path = path;
    walked.record.size = st.stx_size;
    walked.record.fs = facts_of(st);
    walked.record.mime = "application/octet-stream";
    UniqueFd fd(open_evidence(path, follow_link));
    if (fd.get() < 0) {
      if (committed) return;
      walked.record.problems.push_back({"read", fmt::format("cannot open: {}", std::strerror(errno))});
      sink_.item(std::move(walked));
      return;
    }
    FdReader reader(fd.get());
    if (committed) return walk_container_members(reader, walked.record, {}, policy_, sink_);
    auto content = load_content(reader, walked.record, policy_);
    if (content) {
      walked.content = std::move(*content);
    } else {
      walked.record.problems.push_back({content.error().stage, content.error().message});
    }
    std::optional<ItemRecord> container;
    std::vector<std::byte> head;
    if (policy_.containers && policy_.containers->opens(walked.content.bytes)) {
      container = walked.record;
      head.assign(walked.content.bytes.begin(),
                  walked.content.bytes.begin() +
                      static_cast<std::ptrdiff_t>(std::min(walked.content.bytes.size(), kContainerHeadBytes)));
    }
    sink_.item(std::move(walked));
    if (container) walk_container_members(reader, *container, head, policy_, sink_);
  }

  void walk_directory(const std::string& path, const struct statx& st, int depth) {
    // A directory seen twice (bind mount) would loop: walk it once.
    if (!visited_.insert({makedev(st.stx_dev_major, st.stx_dev_minor), st.stx_ino}).second) {
      report(path, "directory_loop", "directory already walked (bind mount or loop)");
      return;
    }
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) {
      report(path, "unreadable", fmt::format("cannot open directory: {}", std::strerror(errno)));
      return;
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(dir)) {
      if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
      names.emplace_back(entry->d_name);
    }
    const int read_errno = errno;
    ::closedir(dir);
    if (read_errno != 0)
      report(path, "unreadable", fmt::format("directory listing incomplete: {}", std::strerror(read_errno)));
    std::sort(names.begin(), names.end());  // byte order: the walk is deterministic
    for (const auto& name : names) {
      if (sink_.stopping()) return;
      walk_entry(join(path, name), false, depth + 1);
    }
  }

  static constexpr int kMaxDepth = 512;

  WalkSink& sink_;
  const ContentPolicy& policy_;
  WalkTotals* totals_;
  std::function<void(const std::string&)> listed_;
  std::set<std::pair<dev_t, std::uint64_t>> visited_;
};

}  // namespace

DirectorySource::DirectorySource(std::string root, ContentPolicy policy)
    : root_(std::move(root)), policy_(policy) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

void DirectorySource::walk(WalkSink& sink) {
  Walker walker(sink, policy_);
  walker.walk_entry(root_, /*follow_link=*/true);
}

Result<StreamedDigests> reread_folder_file(const std::string& path, bool follow_link, ParallelMultiDigest& digest,
                                           StopToken stop) {
  UniqueFd fd(open_evidence(path, follow_link));
  if (fd.get() < 0) {
    const int error = errno;
    return Error{error == ENOENT || error == ENOTDIR ? "missing" : "read",
                 fmt::format("cannot open: {}", std::strerror(error))};
  }
  FdReader reader(fd.get());
  return digest_reader(reader, digest, ContentPolicy{}.chunk_size, stop);
}

void DirectorySource::count(WalkTotals& totals, const std::atomic<bool>& stop) {
  StopOnlySink sink(stop);
  Walker walker(sink, policy_, &totals);
  walker.walk_entry(root_, /*follow_link=*/true);
}

void list_folder_files(const std::string& root, const std::function<void(const std::string&)>& visit) {
  const std::atomic<bool> never{false};
  StopOnlySink sink(never);
  WalkTotals totals;
  DirectorySource named(root, ContentPolicy{});  // the root as DirectorySource trims it
  Walker walker(sink, ContentPolicy{}, &totals, visit);
  walker.walk_entry(named.root(), /*follow_link=*/true);
}

}  // namespace triage
