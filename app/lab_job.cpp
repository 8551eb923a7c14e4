#include "app/lab_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <set>
#include <thread>

#include "core/cluster/near_duplicates.h"
#include "core/digest/digests.h"
#include "core/pipeline/byte_budget_queue.h"
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

// Hands every item of the case to `take`, read by a thread of its own meanwhile (reading a
// million items of case.db was a sixth of `lab add`), in batches through the project's
// producer-consumer queue. An exception of either side ends both and is rethrown here.
void read_items_beside(const CaseStore& store, const std::function<void(const LabItem&)>& take) {
  constexpr std::size_t kBatch = 4096;
  constexpr std::size_t kBatchBytes = kBatch * sizeof(LabItem);  // (their strings not counted)
  ByteBudgetQueue<std::vector<LabItem>> queue(4 * kBatchBytes);
  struct Abandoned {};  // the taker failed: the reader stops
  std::exception_ptr read_error;
  std::thread reader([&] {
    try {
      std::vector<LabItem> batch;
      const auto hand_over = [&] {
        if (!queue.push(std::move(batch), kBatchBytes)) throw Abandoned{};
        batch.clear();
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
    queue.close();
  });
  try {
    while (auto entry = queue.pop()) {
      for (const LabItem& item : entry->first) take(item);
      queue.release(entry->second);
    }
  } catch (...) {
    queue.abandon();
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
  // Items are kept as (case, seq) while links are found; only the members of a link are read
  // back from the lab (holding every item of a million-item lab took 5.2 GB and 59 s).
  const std::vector<LabCase> cases = lab.cases();  // by uid: (case index, seq) order is (uid, seq) order
  std::map<std::string, std::uint32_t> case_index;
  for (std::uint32_t i = 0; i < cases.size(); ++i) case_index.emplace(cases[i].uid, i);
  using Ref = std::pair<std::uint32_t, std::uint64_t>;  // case index, seq
  // Every still image and video with a digest or a hash, in case then walk order.
  std::vector<Ref> media;
  std::vector<ClusterItem> cluster_items;
  std::map<Ref, std::size_t> videos;
  std::map<std::string, std::vector<Ref>> cameras;
  lab.for_each_item([&](const std::string& uid, const LabItem& item) {
    const Ref ref{case_index.at(uid), item.seq};
    if (!item.camera_id.empty()) cameras[item.camera_id].push_back(ref);
    if (item.media_type != "image" && item.media_type != "video") return;
    if (item.sha1.empty() && item.pdq.empty()) return;
    ClusterItem ci;
    ci.sha1 = item.sha1;
    if (const auto hash = match::from_hex(item.pdq); hash && item.pdq_quality.value_or(0) >= min_quality)
      ci.hashes.push_back(*hash);
    if (item.media_type == "video") videos.emplace(ref, media.size());
    media.push_back(ref);
    cluster_items.push_back(std::move(ci));
  });
  lab.for_each_frame([&](const std::string& uid, const LabFrame& frame) {
    const auto video = videos.find({case_index.at(uid), frame.seq});
    const auto hash = match::from_hex(frame.pdq);
    if (video != videos.end() && hash && frame.quality >= min_quality) cluster_items[video->second].hashes.push_back(*hash);
  });
  const auto cluster_of = cluster_near_duplicates(cluster_items, {pdq_distance, 2});

  struct Found {
    std::string kind, key;  // key: empty for a near-duplicate group until its head is read
    std::vector<Ref> members;
    std::size_t cases = 0;
    std::size_t head = 0;  // a near-duplicate group's first media item
  };
  const auto spread_of = [](const std::vector<Ref>& members) {
    std::set<std::uint32_t> in;
    for (const Ref& r : members) in.insert(r.first);
    return in.size();
  };
  std::vector<Found> found;
  // Exact copies (one SHA-1) in more than one case; then near-duplicate groups (PDQ, copies
  // included) in more than one case that are more than one content.
  std::map<std::string_view, std::vector<std::size_t>> copies;
  for (std::size_t i = 0; i < media.size(); ++i)
    if (!cluster_items[i].sha1.empty()) copies[cluster_items[i].sha1].push_back(i);
  for (const auto& [sha1, at] : copies) {
    std::vector<Ref> members;
    for (const std::size_t i : at) members.push_back(media[i]);
    if (const std::size_t spread = spread_of(members); spread >= 2)
      found.push_back({"content", std::string(sha1), std::move(members), spread, 0});
  }
  std::map<std::uint32_t, std::vector<std::size_t>> clusters;
  for (std::size_t i = 0; i < media.size(); ++i) clusters[cluster_of[i]].push_back(i);
  for (const auto& [head, at] : clusters) {
    std::vector<Ref> members;
    for (const std::size_t i : at) members.push_back(media[i]);
    const std::size_t spread = spread_of(members);
    const std::string& sha1 = cluster_items[at.front()].sha1;
    const bool one_content = std::all_of(at.begin(), at.end(), [&](std::size_t i) {
      return !sha1.empty() && cluster_items[i].sha1 == sha1;
    });
    if (spread < 2 || one_content) continue;
    found.push_back({"near_duplicate", "", std::move(members), spread, head});
  }
  for (auto& [id, members] : cameras)
    if (const std::size_t spread = spread_of(members); spread >= 2)
      found.push_back({"camera_id", id, std::move(members), spread, 0});

  std::vector<LabLink> links;
  for (Found& f : found) {
    LabLink link{std::move(f.kind), std::move(f.key), {}, f.cases};
    std::sort(f.members.begin(), f.members.end());
    for (const Ref& r : f.members)
      if (auto hit = lab.find_item(cases[r.first].uid, r.second)) link.members.push_back(std::move(*hit));
    if (link.kind == "near_duplicate") {
      const Ref& head = media[f.head];
      const auto hit = lab.find_item(cases[head.first].uid, head.second);
      link.key = !hit ? std::string() : hit->item.sha256.empty() ? hit->item.path : hit->item.sha256;
    }
    links.push_back(std::move(link));
  }
  // The most widespread first: most cases, then most items; then by kind and key (deterministic).
  std::sort(links.begin(), links.end(), [](const LabLink& a, const LabLink& b) {
    const auto as = a.members.size(), bs = b.members.size();
    return std::tie(b.cases, bs, a.kind, a.key) < std::tie(a.cases, as, b.kind, b.key);
  });
  return links;
}

}  // namespace triage
