#include "formats/source/tsk_fs_walk.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "formats/source/tsk_block_reuse.h"

namespace triage {
namespace {

// One attribute's bytes through tsk_fs_attr_read (sparse runs and bytes past NTFS's
// initialised size read as zeros, as icat gives them).
class TskAttributeReader final : public RandomAccessReader {
 public:
  explicit TskAttributeReader(const TSK_FS_ATTR* attr) : attr_(attr) {}
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    const auto size = static_cast<std::uint64_t>(attr_->size);
    if (offset >= size || out.empty()) return std::size_t{0};
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size - offset));
    const ssize_t got = tsk_fs_attr_read(attr_, static_cast<TSK_OFF_T>(offset), reinterpret_cast<char*>(out.data()),
                                         want, TSK_FS_FILE_READ_FLAG_NONE);
    if (got < 0) return Error{"read", fmt::format("unreadable at byte {}: {}", offset, tsk::take_error())};
    return static_cast<std::size_t>(got);
  }

 private:
  const TSK_FS_ATTR* attr_;
};

std::optional<UnixNanos> nanos(time_t seconds, std::uint32_t nano) {
  if (seconds == 0 && nano == 0) return std::nullopt;  // libtsk's "not recorded"
  return static_cast<UnixNanos>(seconds) * 1'000'000'000 + static_cast<UnixNanos>(nano);
}

// libtsk's virtual folder of orphan files (tsk_fs_i.h, TSK_FS_ORPHANDIR_NAME).
constexpr std::string_view kOrphanDir = "$OrphanFiles/";

bool is_dot(const char* name) { return std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0; }

// libtsk recurses into every directory it lists and guards only against a directory met again
// on its own path, down to 128 levels (tsk/fs/dir.c, tsk_fs_dir_walk_recursive). A damaged tree
// whose entries lead back to directories listed elsewhere (a mutated ISO 9660 where "." became a
// name: fuzzing) is walked again at every such entry, exponentially: `fls -r` never ends. Entries
// are still listed as fls lists them (a deleted name may lawfully lead to a directory listed
// elsewhere); the walk stops once the repeats outnumber the distinct entries.
class DirectoryLoopGuard {
 public:
  // False when the walk must stop.
  bool admit(const TSK_FS_FILE* file, const std::string& dir_path) {
    if (!repeat_prefix_.empty() && dir_path.starts_with(repeat_prefix_)) {
      ++repeats_;
      return repeats_ <= kSlack + kRatio * distinct_;
    }
    repeat_prefix_.clear();
    ++distinct_;
    if (file->name == nullptr || is_dot(file->name->name)) return true;
    const bool is_dir = file->meta != nullptr ? file->meta->type == TSK_FS_META_TYPE_DIR
                                              : file->name->type == TSK_FS_NAME_TYPE_DIR;
    if (!is_dir) return true;
    std::string path = dir_path + file->name->name + "/";
    auto [seen, first] = first_path_.try_emplace(file->name->meta_addr, path);
    if (!first) {  // its entries will come again under `path`
      repeat_prefix_ = path;
      again_ = {file->name->meta_addr, seen->second, std::move(path)};
    }
    return true;
  }
  std::string describe() const {
    return fmt::format("directory tree loops: directory {} (first listed at /{}) is reached again at /{} and "
                       "more; {} repeated entries against {} distinct, so the walk of this file system stopped "
                       "here: entries not yet listed (orphan files included) were not examined",
                       again_.inode, again_.first, again_.again, repeats_, distinct_);
  }

 private:
  static constexpr std::uint64_t kSlack = 10'000, kRatio = 4;
  struct Again {
    std::uint64_t inode = 0;
    std::string first, again;
  };
  std::unordered_map<std::uint64_t, std::string> first_path_;
  std::string repeat_prefix_;
  std::uint64_t distinct_ = 0, repeats_ = 0;
  Again again_;
};

class FileSystemWalker {
 public:
  FileSystemWalker(TSK_FS_INFO* fs, const EvidencePath& file_system, const ContentPolicy& policy, WalkSink& sink,
                   StageWatch& watch, WalkTotals* totals)
      : fs_(fs),
        fs_bytes_((static_cast<std::uint64_t>(std::min(fs->last_block, fs->last_block_act)) + 1) * fs->block_size),
        file_system_(file_system),
        policy_(bounded(policy, fs_bytes_)),
        sink_(sink),
        watch_(watch),
        totals_(totals) {}

  void run() {
    // ALLOC|UNALLOC|RECURSE from the root: what `fls -r` lists, $OrphanFiles included.
    const auto flags = static_cast<TSK_FS_DIR_WALK_FLAG_ENUM>(TSK_FS_DIR_WALK_FLAG_ALLOC |
                                                              TSK_FS_DIR_WALK_FLAG_UNALLOC |
                                                              TSK_FS_DIR_WALK_FLAG_RECURSE);
    if (fs_->root_inum == TSK_FS_ORPHANDIR_INUM(fs_)) {
      // A damaged volume descriptor (ISO 9660 claiming inodes 0-0): opening the root would start
      // the orphan search, which opens the root again under its own lock and never returns
      // (see leads_to_orphan_search); `fls` hangs on it.
      problem(at(""), "corrupt_directory",
              fmt::format("root directory address {} is libtsk's virtual orphan folder (inodes {}-{}): the file "
                          "system metadata is damaged, its directories were not walked",
                          fs_->root_inum, fs_->first_inum, fs_->last_inum));
      return;
    }
    if (tsk::FilePtr root(tsk_fs_file_open_meta(fs_, nullptr, fs_->root_inum));
        root && implausible_directory(root->meta, true)) {
      problem(at(""), "corrupt_directory", implausible_message(root->meta));
      return;
    }
    tsk_error_reset();
    const uint8_t failed = tsk_fs_dir_walk(fs_, fs_->root_inum, flags, &FileSystemWalker::visit, this);
    if (failure_) std::rethrow_exception(failure_);
    if (failed != 0 && !watch_.expired())  // a stop or a spent budget is the caller's to tell
      problem(at(""), "corrupt_directory", fmt::format("directory walk incomplete: {}", tsk::take_error()));
  }

 private:
  static TSK_WALK_RET_ENUM visit(TSK_FS_FILE* file, const char* dir_path, void* self_ptr) {
    auto* self = static_cast<FileSystemWalker*>(self_ptr);
    if (self->watch_.expired()) return TSK_WALK_STOP;
    self->watch_.progress();  // a new entry
    try {  // no exception may cross libtsk's C frames
      const std::string path = dir_path != nullptr ? dir_path : "";
      if (self->leads_to_orphan_search(file, path)) {
        self->problem(self->at(path + file->name->name), "corrupt_directory",
                      fmt::format("directory entry points at libtsk's virtual orphan folder (inode {}): following it "
                                  "would hang libtsk, so the walk of this file system stopped here: entries not yet "
                                  "listed (orphan files included) were not examined",
                                  file->name->meta_addr));
        return TSK_WALK_STOP;
      }
      if (self->implausible_directory(file->meta)) {
        self->problem(self->at(path + file->name->name), "corrupt_directory",
                      self->implausible_message(file->meta));
        return TSK_WALK_STOP;
      }
      if (!self->loops_.admit(file, path)) {
        self->problem(self->at(path), "corrupt_directory", self->loops_.describe());
        return TSK_WALK_STOP;
      }
      self->entry(file, path);
    } catch (...) {
      self->failure_ = std::current_exception();
      return TSK_WALK_STOP;
    }
    return TSK_WALK_CONT;
  }

  // An entry, other than libtsk's own $OrphanFiles at the root, whose address is the virtual
  // orphan folder's (a damaged ISO 9660, fuzzing). Opening it starts the orphan search, which
  // holds orphan_dir_lock while it walks the tree again; that walk meets the same entry and
  // waits on the lock it holds (tsk/fs/fs_dir.c, tsk_fs_dir_find_orphans): `fls -r` hangs too.
  // libtsk calls back before it recurses, so stopping here is the last chance.
  bool leads_to_orphan_search(const TSK_FS_FILE* file, const std::string& dir_path) const {
    // Only a directory is opened (on HFS+ and APFS that last address is an ordinary file's).
    if (file->name == nullptr || file->meta == nullptr || !TSK_FS_IS_DIR_META(file->meta->type) ||
        file->name->meta_addr != TSK_FS_ORPHANDIR_INUM(fs_))
      return false;
    const bool is_libtsks_own = dir_path.empty() && kOrphanDir.starts_with(file->name->name) &&
                                std::strlen(file->name->name) + 1 == kOrphanDir.size();
    return !is_libtsks_own;
  }

  // A directory claiming more bytes than the whole file system (a damaged ext2 inode: fuzzing).
  // libtsk would read all of it to list it, one block run at a time (tsk_fs_unix_make_data_run),
  // after allocating that much: 1.3 GB claimed took `fls` 56 s to list nothing.
  // The root is read as a directory whatever its inode's type says (istat: mode ---------- here).
  bool implausible_directory(const TSK_FS_META* meta, bool is_root = false) const {
    if (meta == nullptr || (!is_root && meta->type != TSK_FS_META_TYPE_DIR) || meta->size <= 0) return false;
    const auto fs_bytes = static_cast<std::uint64_t>(fs_->block_count) * fs_->block_size;
    return static_cast<std::uint64_t>(meta->size) > fs_bytes;
  }
  std::string implausible_message(const TSK_FS_META* meta) const {
    return fmt::format("directory {} claims {} bytes, more than the whole file system ({} blocks of {} bytes): "
                       "its metadata is damaged; the walk of this file system stopped here: entries not yet "
                       "listed (orphan files included) were not examined",
                       meta->addr, meta->size, fs_->block_count, fs_->block_size);
  }

  // No file's content can be larger than the file system's blocks in the evidence, but for the
  // holes of a sparse file: libtsk gives holes, and blocks past the image's end, as zeros without
  // reading anything. A damaged ext4 inode claiming 35 TB (mutation soak) had the walker digest
  // zeros for hours; such a file is identified from its head and not digested (an error row says
  // so). A genuinely sparse file larger than its whole volume is not digested either.
  static ContentPolicy bounded(const ContentPolicy& policy, std::uint64_t fs_bytes) {
    ContentPolicy out = policy;
    out.max_streamed = std::min(policy.max_streamed, fs_bytes);
    return out;
  }

  // An ext2/ext3 file (block pointers, not extents) claiming more bytes than its file system
  // holds: libtsk builds its content's runs block by block, each appended at the end of a list
  // (tsk_fs_unix_make_data_run, tsk_fs_attr_append_run), quadratic in the blocks claimed, with no
  // callback or read to stop it: a mutated ext2 image with three files claiming 537 MB took
  // 23 s there (mutation soak). Such a file cannot be real; its content is not loaded.
  bool block_mapped_beyond_file_system(const TSK_FS_META* meta) const {
    return TSK_FS_TYPE_ISEXT(fs_->ftype) && meta->content_type == TSK_FS_META_CONTENT_TYPE_DEFAULT &&
           meta->size > 0 && static_cast<std::uint64_t>(meta->size) > fs_bytes_;
  }

  // Which entries are files, mirrored on fls (tsk/fs/fls_lib.c, print_dir_act): on NTFS one
  // entry per $DATA attribute, and a regular file with none still listed without one.
  void entry(TSK_FS_FILE* file, const std::string& dir_path) {
    if (file->name == nullptr || is_dot(file->name->name)) return;
    const TSK_FS_META* meta = file->meta;
    if (meta == nullptr) {
      if (file->name->type == TSK_FS_NAME_TYPE_REG) name_only(file, dir_path);
      return;
    }
    if (TSK_FS_TYPE_ISNTFS(fs_->ftype)) {
      bool listed = false;
      const int count = tsk_fs_file_attr_getsize(file);
      for (int i = 0; i < count; ++i) {
        const TSK_FS_ATTR* attr = tsk_fs_file_attr_get_idx(file, i);
        if (attr == nullptr) continue;
        if (attr->type == TSK_FS_ATTR_TYPE_NTFS_DATA) {
          listed = true;
          // A directory's named $DATA stream is a file too (fls prints it as r).
          if (meta->type == TSK_FS_META_TYPE_REG || meta->type == TSK_FS_META_TYPE_DIR) item(file, dir_path, attr);
        } else if (attr->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT) {
          listed = true;
          // A file's named index ($Secure:$SDH, $Extend/$Quota:$Q...) is listed as r/r with its own content.
          if (meta->type == TSK_FS_META_TYPE_REG) item(file, dir_path, attr);
        }
      }
      tsk_error_reset();
      if (!listed && meta->type == TSK_FS_META_TYPE_REG) item(file, dir_path, nullptr);
      return;
    }
    if (meta->type == TSK_FS_META_TYPE_REG) item(file, dir_path, nullptr);
  }

  // The evidence path of an entry below the root (`inside` as libtsk gives it, unescaped).
  std::string at(const std::string& inside) const { return file_system_.file(inside).to_string(); }

  std::string path_of(const TSK_FS_FILE* file, const std::string& dir_path, const TSK_FS_ATTR* attr) const {
    std::string stream;
    if (attr != nullptr && attr->name != nullptr && attr->name[0] != '\0' &&
        !(attr->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT && std::strcmp(attr->name, "$I30") == 0))
      stream = attr->name;
    return file_system_.file(dir_path + file->name->name, std::move(stream)).to_string();
  }

  void item(TSK_FS_FILE* file, const std::string& dir_path, const TSK_FS_ATTR* attr) {
    const TSK_FS_META* meta = file->meta;
    if (totals_ != nullptr) {
      totals_->files += 1;
      totals_->bytes += static_cast<std::uint64_t>(std::max<TSK_OFF_T>(0, attr != nullptr ? attr->size : meta->size));
      return;
    }
    WalkedItem walked;
    ItemRecord& r = walked.record;
    r.path = path_of(file, dir_path, attr);
    r.mime = "application/octet-stream";
    r.size = static_cast<std::uint64_t>(std::max<TSK_OFF_T>(0, attr != nullptr ? attr->size : meta->size));
    r.fs.inode = file->name->meta_addr;
    r.fs.address = tsk_address(file->name->meta_addr, attr);
    r.fs.deleted = (file->name->flags & TSK_FS_NAME_FLAG_UNALLOC) != 0;
    r.fs.reallocated = r.fs.deleted && (meta->flags & TSK_FS_META_FLAG_ALLOC) != 0;
    r.fs.orphan = std::string_view(dir_path).starts_with(kOrphanDir);
    r.fs.mtime = nanos(meta->mtime, meta->mtime_nano);
    r.fs.atime = nanos(meta->atime, meta->atime_nano);
    r.fs.ctime = nanos(meta->ctime, meta->ctime_nano);
    r.fs.btime = nanos(meta->crtime, meta->crtime_nano);
    if (TSK_FS_TYPE_ISNTFS(fs_->ftype)) {
      // libtsk already parses the $FILE_NAME attribute into time2.ntfs (the last one that is
      // not a DOS 8.3 name: tsk/fs/ntfs.c, ntfs_proc_attrseq); the union member is NTFS's here.
      const auto& fn = meta->time2.ntfs;
      r.fs.fn_mtime = nanos(fn.fn_mtime, static_cast<std::uint32_t>(fn.fn_mtime_nano));
      r.fs.fn_atime = nanos(fn.fn_atime, static_cast<std::uint32_t>(fn.fn_atime_nano));
      r.fs.fn_ctime = nanos(fn.fn_ctime, static_cast<std::uint32_t>(fn.fn_ctime_nano));
      r.fs.fn_btime = nanos(fn.fn_crtime, static_cast<std::uint32_t>(fn.fn_crtime_nano));
    }

    if (attr == nullptr && block_mapped_beyond_file_system(meta)) {
      r.problems.push_back({"read", fmt::format("claims {} bytes, more than its file system holds ({} bytes), in "
                                                "block pointers: its metadata is damaged; content not read",
                                                r.size, fs_bytes_)});
      sink_.item(std::move(walked));
      return;
    }
    const TSK_FS_ATTR* data = attr != nullptr ? attr : tsk_fs_file_attr_get(file);
    if (data == nullptr) {
      // What icat cannot read either (e.g. unused NTFS records listed under $OrphanFiles).
      r.problems.push_back({"read", fmt::format("no content: {}", tsk::take_error())});
      sink_.item(std::move(walked));
      return;
    }
    // A reallocated entry's content is the new file's; otherwise ask the blocks.
    if (r.fs.deleted) r.fs.overwritten = r.fs.reallocated ? Overwritten::full : overwritten_state(data, r.size, watch_);
    // Bytes past an NTFS attribute's initialised size were never written: icat stops there
    // (e.g. $BadClus:$Bad, 64 MB with nothing initialised), and so do the digests here.
    const std::uint64_t readable =
        std::min(readable_size(data, r.size), r.fs.deleted ? mapped_size(data, r.size) : r.size);
    const std::uint64_t full_size = r.size;
    r.size = readable;
    const std::string path = r.path;
    TskAttributeReader reader(data);
    const bool deleted = r.fs.deleted;
    std::optional<ItemRecord> container;  // its members follow the item and its notices
    const Take take = sink_.take(path, full_size);
    if (take == Take::examine) {
      auto content = load_content(reader, r, policy_);
      if (content) walked.content = std::move(*content);
      else r.problems.push_back({content.error().stage, content.error().message});
      if (policy_.containers && policy_.containers->opens(walked.content.bytes)) container = r;  // size: readable
      r.size = full_size;
      sink_.item(std::move(walked));
    } else if (take == Take::committed && policy_.containers) {  // --resume: an archive is still opened for its members
      container = r;
    }
    const std::uint64_t mapped = deleted ? mapped_size(data, full_size) : full_size;
    if (readable < full_size && mapped < full_size)
      problem(path, "unrecoverable_tail",
              fmt::format("deleted file: only the first {} of {} bytes are mapped to blocks (on FAT, libtsk recovers "
                          "a file whose first cluster is allocated again as that cluster alone); the digests cover "
                          "those bytes, as icat gives them",
                          readable, full_size),
              false);
    else if (readable < full_size)
      problem(path, "uninitialised_tail",
              fmt::format("only the first {} of {} bytes are initialised (NTFS initialised size); the digests "
                          "cover those bytes, as icat gives them",
                          readable, full_size),
              false);
    if (container) walk_container_members(reader, *container, {}, policy_, sink_);
  }

  // Bytes of content the attribute's runs reach: fewer than its size when libtsk recovered a
  // deleted file's first cluster only (tsk/fs/fatfs_meta.c, fatfs_make_data_runs). icat, walking
  // the runs, stops there; tsk_fs_attr_read would come up short.
  static std::uint64_t mapped_size(const TSK_FS_ATTR* attr, std::uint64_t size) {
    if ((attr->flags & TSK_FS_ATTR_NONRES) == 0 || (attr->flags & TSK_FS_ATTR_COMP) != 0) return size;
    const std::uint64_t block_size = attr->fs_file->fs_info->block_size;
    std::uint64_t blocks = 0;
    for (const TSK_FS_ATTR_RUN* run = attr->nrd.run; run != nullptr; run = run->next) blocks += run->len;
    const std::uint64_t reach = blocks * block_size;
    return reach > attr->nrd.skiplen ? std::min(size, reach - attr->nrd.skiplen) : 0;
  }

  static std::uint64_t readable_size(const TSK_FS_ATTR* attr, std::uint64_t size) {
    if ((attr->flags & TSK_FS_ATTR_NONRES) == 0 || attr->nrd.initsize < 0) return size;
    return std::min(size, static_cast<std::uint64_t>(attr->nrd.initsize));
  }

  // A deleted name whose metadata is gone: listed (never silent), nothing to read.
  void name_only(const TSK_FS_FILE* file, const std::string& dir_path) {
    problem(path_of(file, dir_path, nullptr), "deleted_name_only",
            fmt::format("deleted file name with no metadata left (inode {}): name only, no content",
                        file->name->meta_addr),
            false);
  }

  void problem(std::string path, std::string kind, std::string message, bool is_error = true) {
    if (totals_ == nullptr) report_problem(sink_, std::move(path), std::move(kind), std::move(message), is_error);
  }

  TSK_FS_INFO* fs_;
  std::uint64_t fs_bytes_;  // the file system's blocks in the evidence, in bytes
  const EvidencePath& file_system_;
  const ContentPolicy policy_;
  WalkSink& sink_;
  StageWatch& watch_;
  WalkTotals* totals_;
  DirectoryLoopGuard loops_;
  std::exception_ptr failure_;
};

}  // namespace

std::string tsk_address(std::uint64_t meta_addr, const TSK_FS_ATTR* attr) {
  if (attr == nullptr) return std::to_string(meta_addr);
  return fmt::format("{}-{}-{}", meta_addr, static_cast<std::uint32_t>(attr->type), attr->id);
}

void walk_file_system(TSK_FS_INFO* fs, const EvidencePath& file_system, const ContentPolicy& policy, WalkSink& sink,
                      StageWatch& watch, WalkTotals* totals) {
  FileSystemWalker(fs, file_system, policy, sink, watch, totals).run();
}

}  // namespace triage
