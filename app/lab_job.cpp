#include "app/lab_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "core/cluster/near_duplicates.h"
#include "core/digest/digests.h"
#include "core/text/time_format.h"
#include "formats/casedb/case_store.h"

namespace triage {
namespace fs = std::filesystem;
namespace {

// A case's identity in the lab: its first run (when it started, with what command and options),
// the same wherever its folder is copied or moved.
std::string case_uid(const RunSummary& first) {
  const std::string text = first.started_utc + '\n' + first.command_line + '\n' + first.options_json;
  return digest_buffer(std::as_bytes(std::span(text.data(), text.size()))).sha256;
}

bool hit_order(const LabHit& a, const LabHit& b) {
  return std::tie(a.lab_case.uid, a.item.seq) < std::tie(b.lab_case.uid, b.item.seq);
}

std::size_t distinct_cases(const std::vector<LabHit>& members) {
  std::set<std::string> uids;
  for (const auto& m : members) uids.insert(m.lab_case.uid);
  return uids.size();
}

// Hands every item of the case to `take`, read by a thread of its own meanwhile (reading a
// million items of case.db was a sixth of `lab add`). An exception of either side ends both and
// is rethrown here.
void read_items_beside(const CaseStore& store, const std::function<void(const LabItem&)>& take) {
  constexpr std::size_t kBatch = 4096, kQueued = 4;
  struct Abandoned {};  // the taker failed: the reader stops
  std::mutex m;
  std::condition_variable changed;
  std::deque<std::vector<LabItem>> queue;
  bool done = false, abandoned = false;
  std::exception_ptr read_error;
  std::thread reader([&] {
    try {
      std::vector<LabItem> batch;
      const auto hand_over = [&] {
        std::unique_lock lock(m);
        changed.wait(lock, [&] { return queue.size() < kQueued || abandoned; });
        if (abandoned) throw Abandoned{};
        queue.push_back(std::move(batch));
        batch.clear();
        changed.notify_all();
      };
      store.for_each_lab_item([&](const LabItem& item) {
        batch.push_back(item);
        if (batch.size() == kBatch) hand_over();
      });
      if (!batch.empty()) hand_over();
    } catch (const Abandoned&) {
    } catch (...) {
      read_error = std::current_exception();
    }
    std::lock_guard lock(m);
    done = true;
    changed.notify_all();
  });
  try {
    for (;;) {
      std::vector<LabItem> batch;
      {
        std::unique_lock lock(m);
        changed.wait(lock, [&] { return !queue.empty() || done; });
        if (queue.empty()) break;
        batch = std::move(queue.front());
        queue.pop_front();
        changed.notify_all();
      }
      for (const LabItem& item : batch) take(item);
    }
  } catch (...) {
    {
      std::lock_guard lock(m);
      abandoned = true;
      changed.notify_all();
    }
    reader.join();
    throw;
  }
  reader.join();
  if (read_error) std::rethrow_exception(read_error);
}

}  // namespace

LabAdded add_case_to_lab(LabIndex& lab, const fs::path& case_dir) {
  const fs::path db = case_dir / "case.db";
  auto refuse = [&](const std::string& why) {
    return LabCaseError(fmt::format("{}: not added ({}); the lab is unchanged", case_dir.string(), why));
  };
  if (!fs::is_regular_file(db)) throw refuse("no case.db: not a case directory");
  std::unique_ptr<CaseStore> store;
  std::vector<RunSummary> runs;
  CaseDetails details;
  try {
    store = CaseStore::open_read_only(db);
    runs = store->runs();
    details = store->case_details();
  } catch (const std::exception& e) {
    throw refuse(e.what());
  }
  if (runs.empty()) throw refuse("its case.db records no scan");
  if (runs.back().status != "completed")
    throw refuse(fmt::format("its scan is {}: finish it first (triage scan ... --resume)", runs.back().status));
  LabAdded added;
  added.case_dir = case_dir.string();
  added.uid = case_uid(runs.front());
  LabCase c;
  c.uid = added.uid;
  c.case_ref = details.case_ref;
  c.exhibit_ref = details.exhibit_ref;
  c.examiner = details.examiner;
  std::error_code ec;
  const fs::path canonical = fs::canonical(case_dir, ec);
  c.case_dir = ec ? case_dir.string() : canonical.string();
  c.added_utc = now_utc();
  for (const LabCase& known : lab.cases()) added.replaced = added.replaced || known.uid == c.uid;
  try {
    lab.put_case(c, [&](LabIndex::CaseRows& rows) {
      read_items_beside(*store, [&](const LabItem& item) {
        rows.item(item);
        ++added.items;
      });
      store->for_each_frame([&](const LabFrame& frame) {
        rows.frame(frame);
        ++added.frames;
      });
    });
  } catch (const std::exception& e) {
    throw refuse(e.what());
  }
  return added;
}

LabPdqSearch::LabPdqSearch(const LabIndex& lab, int min_quality) : lab_(lab) {
  std::map<std::string, std::uint32_t> case_index;
  for (const LabCase& c : lab.cases()) {
    case_index.emplace(c.uid, static_cast<std::uint32_t>(uids_.size()));
    uids_.push_back(c.uid);
  }
  std::vector<match::Hash256> hashes;
  std::set<std::pair<std::uint32_t, std::uint64_t>> videos;  // (case, seq)
  lab.for_each_item([&](const std::string& uid, const LabItem& item) {
    const std::uint32_t in_case = case_index.at(uid);
    if (item.media_type == "video") videos.emplace(in_case, item.seq);
    const auto hash = match::from_hex(item.pdq);
    if (!hash || item.pdq_quality.value_or(0) < min_quality) return;
    hashes.push_back(*hash);
    refs_.push_back({item.seq, in_case, kStill});
  });
  lab.for_each_frame([&](const std::string& uid, const LabFrame& frame) {
    const std::uint32_t in_case = case_index.at(uid);
    const auto hash = match::from_hex(frame.pdq);
    if (!videos.count({in_case, frame.seq}) || !hash || frame.quality < min_quality) return;
    if (frame.frame < 0 || frame.frame > std::numeric_limits<std::int32_t>::max()) return;
    hashes.push_back(*hash);
    refs_.push_back({frame.seq, in_case, static_cast<std::int32_t>(frame.frame)});
  });
  index_ = std::make_unique<match::MihIndex>(std::move(hashes), 31);
}

std::vector<LabHit> LabPdqSearch::search(const match::Hash256& query, int distance) const {
  // By item: its closest hash (ties: the first, a still's own hash before its video's frames).
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::pair<int, std::int32_t>> best;
  for (const match::Match& m : index_->search(query, distance)) {
    const Ref& ref = refs_[m.id];
    auto [it, fresh] = best.try_emplace({ref.case_index, ref.seq}, m.distance, ref.frame);
    if (!fresh && m.distance < it->second.first) it->second = {m.distance, ref.frame};
  }
  std::vector<LabHit> out;
  for (const auto& [item, closest] : best) {
    std::optional<LabHit> hit = lab_.find_item(uids_[item.first], item.second);
    if (!hit) continue;  // (the lab changed since the index was built)
    hit->distance = closest.first;
    if (closest.second != kStill) hit->frame = closest.second;
    out.push_back(std::move(*hit));
  }
  std::sort(out.begin(), out.end(), [](const LabHit& a, const LabHit& b) {
    return std::tie(*a.distance, a.lab_case.uid, a.item.seq) < std::tie(*b.distance, b.lab_case.uid, b.item.seq);
  });
  return out;
}

std::vector<LabLink> lab_links(const LabIndex& lab, int pdq_distance, int min_quality) {
  std::map<std::string, LabCase> cases;
  for (const LabCase& c : lab.cases()) cases.emplace(c.uid, c);
  // Every still image and video with a digest or a hash, in case then walk order.
  std::vector<LabHit> media;
  std::vector<ClusterItem> cluster_items;
  std::map<std::pair<std::string, std::uint64_t>, std::size_t> videos;
  std::map<std::string, std::vector<LabHit>> cameras;
  lab.for_each_item([&](const std::string& uid, const LabItem& item) {
    if (!item.camera_id.empty()) cameras[item.camera_id].push_back({cases.at(uid), item, {}, {}});
    if (item.media_type != "image" && item.media_type != "video") return;
    if (item.sha1.empty() && item.pdq.empty()) return;
    ClusterItem ci;
    ci.sha1 = item.sha1;
    if (const auto hash = match::from_hex(item.pdq); hash && item.pdq_quality.value_or(0) >= min_quality)
      ci.hashes.push_back(*hash);
    if (item.media_type == "video") videos.emplace(std::pair(uid, item.seq), media.size());
    media.push_back({cases.at(uid), item, {}, {}});
    cluster_items.push_back(std::move(ci));
  });
  lab.for_each_frame([&](const std::string& uid, const LabFrame& frame) {
    const auto video = videos.find({uid, frame.seq});
    const auto hash = match::from_hex(frame.pdq);
    if (video != videos.end() && hash && frame.quality >= min_quality) cluster_items[video->second].hashes.push_back(*hash);
  });
  const auto cluster_of = cluster_near_duplicates(cluster_items, {pdq_distance, 2});
  std::map<std::uint32_t, std::vector<LabHit>> clusters;
  for (std::size_t i = 0; i < media.size(); ++i) clusters[cluster_of[i]].push_back(media[i]);

  std::vector<LabLink> links;
  // Exact copies (one SHA-1) in more than one case; then near-duplicate groups (PDQ, copies
  // included) in more than one case that are more than one content.
  std::map<std::string, std::vector<LabHit>> copies;
  for (const LabHit& h : media)
    if (!h.item.sha1.empty()) copies[h.item.sha1].push_back(h);
  for (auto& [sha1, members] : copies)
    if (const std::size_t spread = distinct_cases(members); spread >= 2)
      links.push_back({"content", sha1, std::move(members), spread});
  for (auto& cluster : clusters) {
    std::vector<LabHit>& members = cluster.second;
    const std::size_t spread = distinct_cases(members);
    const std::string& sha1 = members.front().item.sha1;
    const bool one_content = std::all_of(members.begin(), members.end(),
                                         [&sha1](const LabHit& h) { return !sha1.empty() && h.item.sha1 == sha1; });
    if (spread < 2 || one_content) continue;
    const LabItem& head = media[cluster.first].item;
    links.push_back({"near_duplicate", head.sha256.empty() ? head.path : head.sha256, std::move(members), spread});
  }
  for (auto& [id, members] : cameras) {
    const std::size_t spread = distinct_cases(members);
    if (spread >= 2) links.push_back({"camera_id", id, std::move(members), spread});
  }
  for (auto& l : links) std::sort(l.members.begin(), l.members.end(), hit_order);
  // The most widespread first: most cases, then most items; then by kind and key (deterministic).
  std::sort(links.begin(), links.end(), [](const LabLink& a, const LabLink& b) {
    const auto as = a.members.size(), bs = b.members.size();
    return std::tie(b.cases, bs, a.kind, a.key) < std::tie(a.cases, as, b.kind, b.key);
  });
  return links;
}

}  // namespace triage
