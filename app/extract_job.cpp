#include "app/extract_job.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "app/case_outputs.h"
#include "app/case_report.h"
#include "app/walk_settings.h"
#include "core/digest/digests.h"
#include "core/evidence/evidence_path.h"
#include "core/media/sniff.h"
#include "core/pipeline/scan_pipeline.h"
#include "core/text/text_input.h"
#include "formats/report/csv_text.h"
#include "formats/source/source_integrity.h"
#include "formats/source/source_kind.h"

namespace triage {
namespace fs = std::filesystem;

namespace {

constexpr std::pair<ExtractWhich, const char*> kWhich[] = {{ExtractWhich::matched, "matched"},
                                                          {ExtractWhich::probable, "probable"},
                                                          {ExtractWhich::uncategorised, "uncategorised"},
                                                          {ExtractWhich::graded, "graded"},
                                                          {ExtractWhich::all_media, "all-media"}};

// One chosen item, and what became of it.
struct Wanted {
  std::uint64_t seq = 0;
  std::uint32_t source = 0;
  std::string path, sha256, category;
  std::uint64_t size = 0;
  std::string file;  // extracted/<name>, once written (or found written by another copy)
  std::string note;  // why not, otherwise
};

bool chosen(const CaseReport& r, const ItemRecord& item, const std::vector<ExtractWhich>& which) {
  if (item.media_type == MediaType::other) return false;
  const bool graded = r.graded.count(item.seq) > 0;  // its category is then the grade
  const bool probable = item.category && item.category->probable;
  const bool by_sets = decided_by_hash_sets(r.profile, item.category);
  for (const ExtractWhich w : which) {
    switch (w) {
      case ExtractWhich::matched:  // not known good or ignored
        if (!graded && by_sets && category_kind(r.profile, *item.category) == CategoryKind::profile_category)
          return true;
        break;
      case ExtractWhich::probable:
        if (!graded && probable) return true;
        break;
      case ExtractWhich::uncategorised:
        if (!graded && !by_sets && !probable) return true;
        break;
      case ExtractWhich::graded:
        if (graded) return true;
        break;
      case ExtractWhich::all_media:
        return true;
    }
  }
  return false;
}

// Copies chosen items into extracted/ as the walk hands them over, from any worker or walker
// thread. Writes are serialised: extraction is bound by the disk, and two copies of one content
// must give one file.
class Extractor {
 public:
  Extractor(fs::path dir, std::vector<Wanted>& wanted) : dir_(std::move(dir)) {
    for (Wanted& w : wanted)
      if (!w.sha256.empty()) by_path_.emplace(w.path, &w);  // the rest cannot be checked (noted before)
  }

  bool wants(const std::string& path) const { return by_path_.count(path) > 0; }

  void offer(const ItemRecord& r, std::span<const std::byte> bytes) {
    extract(r, bytes, [&](int fd, DigestSubset& digest) -> std::optional<std::string> {
      digest.update(bytes);
      write_all(fd, bytes);
      return std::nullopt;
    });
  }

  void offer(const ItemRecord& r, RandomAccessReader& reader) {
    std::vector<std::byte> head(kSniffBytes);
    auto got = read_fully(reader, 0, head);
    if (!got) return note(r.path, "cannot be read again: " + got.error().message);
    head.resize(*got);
    extract(r, head, [&](int fd, DigestSubset& digest) -> std::optional<std::string> {
      std::vector<std::byte> chunk(8u << 20);
      for (std::uint64_t at = 0;;) {
        auto n = reader.read_at(at, chunk);
        if (!n) return "cannot be read again: " + n.error().message;
        if (*n == 0) return std::nullopt;
        const auto piece = std::span<const std::byte>(chunk).first(*n);
        digest.update(piece);
        write_all(fd, piece);
        at += *n;
      }
    });
  }

  // A chosen item the walk met without its content: at the scan it was a still image or video
  // (read whole or streamed, and then already offered), so its bytes changed since.
  void met_without_content(const ItemRecord& r) {
    const auto it = by_path_.find(r.path);
    if (it == by_path_.end()) return;
    std::lock_guard lock(mutex_);
    Wanted& w = *it->second;
    if (!w.file.empty() || !w.note.empty()) return;
    ++changed_;
    w.note = fmt::format("content changed since the scan (now {} bytes, not the still image or video recorded, "
                         "SHA-256 {}): not extracted", r.size, w.sha256);
  }

  std::uint64_t files() const { return written_.size(); }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t changed() const { return changed_; }

 private:
  // `copy` writes the item's bytes to the file and the digest, and returns why it could not.
  template <typename Copy>
  void extract(const ItemRecord& r, std::span<const std::byte> head, Copy&& copy) {
    const auto it = by_path_.find(r.path);
    if (it == by_path_.end()) return;
    Wanted& w = *it->second;
    std::lock_guard lock(mutex_);
    if (!w.file.empty()) return;
    if (const auto done = written_.find(w.sha256); done != written_.end()) {  // another copy of the same content
      w.file = "extracted/" + done->second;
      return;
    }
    const std::string name = w.sha256 + "." + std::string(usual_extension(sniff_media(head), file_name_of(r.path)));
    const fs::path part = dir_ / (name + ".part");
    fs::remove(part);
    const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw ExtractError(fmt::format("cannot write {}: {}", part.string(), std::strerror(errno)));
    DigestSubset digest(false, false, true);
    std::optional<std::string> failed;
    try {
      failed = copy(fd, digest);
    } catch (...) {
      ::close(fd);
      fs::remove(part);
      throw;
    }
    if (::close(fd) != 0) throw ExtractError(fmt::format("cannot write {}: {}", part.string(), std::strerror(errno)));
    const std::string read = digest.finish().sha256;
    if (failed) {
      fs::remove(part);
      w.note = *failed;
      return;
    }
    if (read != w.sha256) {  // the evidence is not what the case recorded: never extracted
      fs::remove(part);
      ++changed_;
      w.note = fmt::format("content changed since the scan (SHA-256 now {}, recorded {}): not extracted", read, w.sha256);
      return;
    }
    if (sha256_of_file(part) != w.sha256) {  // what reached the disk, read back
      fs::remove(part);
      throw ExtractError(fmt::format("{} does not read back as written", part.string()));
    }
    fs::rename(part, dir_ / name);
    written_.emplace(w.sha256, name);
    bytes_ += w.size;
    w.file = "extracted/" + name;
  }

  void note(const std::string& path, const std::string& why) {
    std::lock_guard lock(mutex_);
    if (auto it = by_path_.find(path); it != by_path_.end() && it->second->file.empty()) it->second->note = why;
  }

  void write_all(int fd, std::span<const std::byte> bytes) {
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw ExtractError(fmt::format("cannot write in {}: {}", dir_.string(), std::strerror(errno)));
      done += static_cast<std::size_t>(n);
    }
  }

  fs::path dir_;
  std::unordered_map<std::string, Wanted*> by_path_;
  std::mutex mutex_;
  std::map<std::string, std::string> written_;  // SHA-256 -> its file's name: one file per content
  std::uint64_t bytes_ = 0, changed_ = 0;
};

class ExtractProcessor final : public ItemProcessor {
 public:
  explicit ExtractProcessor(Extractor& extractor) : extractor_(extractor) {}
  void process(WalkedItem& item) override {
    if (item.content.complete) extractor_.offer(item.record, item.content.bytes);
    else if (!item.content.streamed_digests) extractor_.met_without_content(item.record);  // streamed: offered by the walker
  }

 private:
  Extractor& extractor_;
};

class NoRecords final : public RecordSink {  // the case is not written while extracting
 public:
  void on_item(const ItemRecord&) override {}
  void on_problem(const WalkProblem&) override {}
  void flush() override {}
};

void write_manifest(const fs::path& file, const std::vector<Wanted>& wanted) {
  std::string csv = "file,sha256,size,category,seq,source,path,note\r\n";
  for (const Wanted& w : wanted) {
    append_csv_plain(csv, w.file);
    csv += ',';
    append_csv_plain(csv, w.sha256);
    csv += ',' + std::to_string(w.size) + ',';
    append_csv_text(csv, w.category);
    csv += ',' + std::to_string(w.seq) + ',' + std::to_string(w.source) + ',';
    append_csv_text(csv, w.path);
    csv += ',';
    append_csv_text(csv, w.note);
    csv += "\r\n";
  }
  PrivateFile out(file);
  out.write(csv);
  out.close();
}

}  // namespace

std::optional<ExtractWhich> parse_extract_which(std::string_view text) {
  for (const auto& [which, name] : kWhich)
    if (text == name) return which;
  return std::nullopt;
}

const char* to_string(ExtractWhich which) {
  for (const auto& [w, name] : kWhich)
    if (w == which) return name;
  return "?";
}

ExtractOutcome extract_media(const ExtractOptions& o, std::ostream& diagnostics, const std::atomic<bool>& stop) {
  ExtractOutcome outcome;
  const fs::path case_db = o.case_dir / "case.db";
  if (!fs::is_regular_file(case_db)) throw ExtractError(fmt::format("no case.db in {}", o.case_dir.string()));
  std::vector<Wanted> wanted;
  std::vector<SourceInfo> sources;
  std::string options_json;
  {
    const CaseReport r = load_case_report(case_db, StopToken(stop));
    sources = r.sources;
    options_json = r.run.options_json;
    r.for_each_item([&](const ItemRecord& item) {
      if (!chosen(r, item, o.which)) return;
      wanted.push_back({item.seq, item.source_index, item.path, item.digests.sha256,
                        item.category ? item.category->label : std::string(), item.size, {}, {}});
      if (item.digests.sha256.empty())  // no digest to check a copy against: never extracted unchecked
        wanted.back().note = "not digested at the scan (read problem or size limit): not extracted";
    });
  }
  outcome.items = wanted.size();
  // Every source first: a disk image must be the one the scan read (its SHA-256), a folder must be
  // there. A source refused refuses the whole extraction, before anything is written.
  std::vector<const SourceInfo*> to_walk;
  for (const SourceInfo& s : sources) {
    const bool has_wanted = std::any_of(wanted.begin(), wanted.end(), [&](const Wanted& w) { return w.source == s.index; });
    if (!has_wanted) continue;
    std::string refused;
    bool changed = false;
    if (!walked_as_files(s.kind) && !s.media.sha256.empty() && !o.sources_just_verified) {  // the image the scan read, or refused whole
      diagnostics << fmt::format("triage: checking {} against the SHA-256 recorded at the scan\n", s.path);
      auto now = digest_disk_image(s.path, MediaDigests::sha256_only, StopToken(stop), recorded_parents(s.segments));
      if (!now) refused = fmt::format("source {} cannot be read: {}", s.path, now.error().message);
      else if ((changed = now->media.sha256 != s.media.sha256 || now->media_size != s.media_size.value_or(0)))
        refused = fmt::format("source {} changed since the scan (media SHA-256 {} recorded, {} now)", s.path,
                              s.media.sha256, now->media.sha256);
    } else if (!fs::exists(s.path)) {
      refused = fmt::format("source {} is not there", s.path);
    }
    if (!refused.empty()) {
      outcome.source_changed = outcome.source_changed || changed;
      outcome.refused.push_back(refused);
      continue;
    }
    to_walk.push_back(&s);
  }
  if (!outcome.refused.empty()) return outcome;

  const fs::path dir = o.case_dir / "extracted";
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::permissions(dir, fs::perms::owner_all, ec);
  if (ec || !fs::is_directory(dir)) throw ExtractError(fmt::format("cannot make {}", dir.string()));
  Extractor extractor(dir, wanted);
  ScanJobOptions recorded;
  try {
    recorded = recorded_walk_options(options_json);
  } catch (const std::runtime_error& e) {
    throw ExtractError(e.what());
  }
  recorded.case_dir = o.case_dir;  // where archives spool, as the scan did
  recorded.archive_passwords = o.archive_passwords;
  recorded.keys = o.keys;
  recorded.parents = o.parents;
  WalkSettings walk = walk_settings(recorded, StopToken(stop));
  walk.policy.streamed_media = [&extractor](RandomAccessReader& reader, const ItemRecord& r) {
    if (extractor.wants(r.path)) extractor.offer(r, reader);
  };
  std::vector<std::unique_ptr<EvidenceSource>> owned;
  std::vector<EvidenceSource*> walked;
  for (const SourceInfo* s : to_walk) {
    auto kind = classify_source(s->path, walk.tsk.parents);
    if (!kind) throw ExtractError(kind.error().message);
    owned.push_back(make_source(s->path, *kind, walk.policy, walk.tsk));
    walked.push_back(owned.back().get());
    diagnostics << fmt::format("triage: reading {} again for the media to extract\n", s->path);
  }
  NoRecords none;
  PipelineOptions pipeline;
  pipeline.jobs = std::max(1u, o.jobs);
  const PipelineStats stats =
      run_pipeline(walked, [&extractor] { return std::make_unique<ExtractProcessor>(extractor); }, none, pipeline, stop);
  outcome.interrupted = stats.interrupted;
  for (Wanted& w : wanted) {
    if (!w.file.empty()) {
      ++outcome.extracted;
      continue;
    }
    if (w.note.empty())
      w.note = outcome.interrupted ? "interrupted before it was reached"
                                   : "not found when the source was read again (a key or password not given again?)";
    outcome.problems.push_back(w.path + ": " + w.note);
  }
  outcome.files = extractor.files();
  outcome.bytes = extractor.bytes();
  outcome.changed = extractor.changed();
  // After a whole extraction, extracted/ holds its files only: what an earlier one chose and this
  // one did not is removed (copies, made again by extracting again). After a partial one, nothing.
  if (!outcome.interrupted && outcome.extracted == outcome.items) {
    std::set<std::string> kept{"manifest.csv"};
    for (const Wanted& w : wanted) kept.insert(w.file.substr(std::string("extracted/").size()));
    for (const auto& entry : fs::directory_iterator(dir))
      if (!kept.count(entry.path().filename().string())) fs::remove(entry.path());
  }
  write_manifest(dir / "manifest.csv", wanted);
  write_case_outputs(o.case_dir, StopToken(stop));
  return outcome;
}

}  // namespace triage
