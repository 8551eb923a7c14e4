#include "formats/report/report_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <compare>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <tuple>

#include "core/evidence/evidence_path.h"
#include "core/text/hex.h"
#include "core/text/time_format.h"

namespace triage {
namespace {

// "YYYY?MM" at the start of `text` as months since year 0; nullopt when not a plausible date.
std::optional<int> month_index(std::string_view text) {
  if (text.size() < 7) return std::nullopt;
  int year = 0, month = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    year = year * 10 + (text[i] - '0');
  }
  for (std::size_t i = 5; i < 7; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    month = month * 10 + (text[i] - '0');
  }
  if (year < 1 || month < 1 || month > 12) return std::nullopt;  // EXIF "0000:00:00" means unknown
  return year * 12 + (month - 1);
}

ScanThresholds thresholds_from(const std::string& options_json) {
  ScanThresholds t;
  const auto j = nlohmann::json::parse(options_json, nullptr, false);
  if (!j.is_object()) return t;
  if (j.contains("pdq") && j["pdq"].is_boolean()) t.pdq = j["pdq"].get<bool>();
  if (j.contains("pdq_max_distance") && j["pdq_max_distance"].is_number_integer())
    t.pdq_max_distance = j["pdq_max_distance"].get<int>();
  if (j.contains("pdq_min_quality") && j["pdq_min_quality"].is_number_integer())
    t.pdq_min_quality = j["pdq_min_quality"].get<int>();
  if (j.contains("all_files") && j["all_files"].is_boolean()) t.all_files = j["all_files"].get<bool>();
  if (j.contains("video_fps") && j["video_fps"].is_number()) t.video_fps = j["video_fps"].get<double>();
  if (j.contains("video_keyframes") && j["video_keyframes"].is_boolean())
    t.video_keyframes = j["video_keyframes"].get<bool>();
  if (j.contains("video_match_percent") && j["video_match_percent"].is_number())
    t.video_match_percent = j["video_match_percent"].get<double>();
  return t;
}

CategoryRow make_row(std::string label, std::string code, int severity, bool probable = false) {
  CategoryRow row;
  row.label = std::move(label);
  row.code = std::move(code);
  row.severity = severity;
  row.probable = probable;
  return row;
}

bool is_excluded(const CategoryProfile& p, const ItemCategory& c) { return excluded_kind(category_kind(p, c)); }

std::string category_text(const ItemCategory& c) {
  return c.code.empty() ? c.label : fmt::format("{} (code {})", c.label, c.code);
}

// The case's grades in the order recorded, each with its label; a later grade of a hash
// supersedes an earlier one (see GradeOutcome for the rule).
void index_grades(CaseReport& r, const std::vector<AnalystGrade>& grades) {
  for (const AnalystGrade& g : grades) {
    GradeOutcome o;
    o.grade = g;
    const CategoryDef* def = r.profile.find(g.code);
    o.label = def ? def->label : g.code;
    if (const auto [it, added] = r.grade_in_force.try_emplace(g.hash, r.grades.size()); !added) {
      r.grades[it->second].superseded = true;
      it->second = r.grades.size();
    }
    r.grades.push_back(std::move(o));
  }
}

// Applies the grades in force for `item` (at most one by SHA-1 and one by MD5, in the order
// recorded) and returns, for each, the index of the grade and what it did to the item.
std::vector<std::pair<std::size_t, GradeOutcome::ItemOutcome>> apply_grades(const CaseReport& r, ItemRecord& item) {
  std::vector<std::pair<std::size_t, GradeOutcome::ItemOutcome>> done;
  if (r.grade_in_force.empty()) return done;
  std::vector<std::size_t> in_force;
  for (const std::string* hash : {&item.digests.sha1, &item.digests.md5}) {
    if (hash->empty()) continue;
    const auto it = r.grade_in_force.find(*hash);
    if (it != r.grade_in_force.end() && r.grades[it->second].grade.hash_type == (hash == &item.digests.sha1 ? HashType::sha1 : HashType::md5))
      in_force.push_back(it->second);
  }
  std::sort(in_force.begin(), in_force.end());
  const CategoryProfile& p = r.profile;
  bool graded = false;  // by an earlier grade of this item
  for (const std::size_t index : in_force) {
    const GradeOutcome& o = r.grades[index];
    const AnalystGrade& g = o.grade;
    const CategoryDef* def = p.find(g.code);
    GradeOutcome::ItemOutcome io;
    io.seq = item.seq;
    const std::string by = fmt::format("{} (code {}) by {} at {}{}", o.label, g.code, g.grader, g.graded_utc,
                                       g.note.empty() ? "" : ": " + g.note);
    std::optional<ItemCategory>& c = item.category;
    const bool from_sets = decided_by_hash_sets(p, c) && !graded;
    if (from_sets) {
      const bool agrees = !is_excluded(p, *c) && c->code == g.code;
      io.outcome = agrees ? "agrees" : "disagrees";
      io.database_category = category_text(*c);
      // The hash-set category stands; the grade is shown next to it, never silently dropped.
      c->reason += agrees ? "; confirmed by the analyst grade " + by
                          : "; DISAGREEING analyst grade " + by + " (the hash-set category stands)";
    } else {
      io.outcome = "applied";
      ItemCategory category;
      category.label = o.label;
      category.code = g.code;
      category.severity = def ? def->severity : p.uncategorised_severity();
      category.reason = "analyst grade " + by;
      if (c && c->probable) category.reason += "; the probable PDQ match indicated " + category_text(*c);
      c = category;
      graded = true;
    }
    done.emplace_back(index, std::move(io));
  }
  return done;
}

// One item counted towards a row's unique counts: its SHA-1 as bytes, or its walk position when
// it has no SHA-1 (each such item is then unique). Sorted after the read, so that the counts
// take 32 bytes a medium instead of sets of strings: members in sort order, so that one medium's
// instances lie together, its sources in order among them.
struct UniqueKey {
  std::uint32_t row = 0;
  std::uint8_t kind = 0;
  std::uint8_t id_type = 0;  // 0 SHA-1 bytes, 1 walk position, 2 number of a SHA-1 text that is not hex
  std::array<std::uint8_t, 20> id{};
  std::uint32_t source = 0;
  auto operator<=>(const UniqueKey&) const = default;
  bool same_medium(const UniqueKey& o) const { return row == o.row && kind == o.kind && id_type == o.id_type && id == o.id; }
};

class UniqueKeys {
 public:
  UniqueKey key(const ItemRecord& item) {
    UniqueKey k;
    if (parse_hex_into(item.digests.sha1, k.id)) return k;
    k.id = {};
    std::uint64_t n = item.seq;
    k.id_type = 1;
    if (!item.digests.sha1.empty()) {  // a damaged or hand-made case: still counted by its text
      n = texts_.try_emplace(item.digests.sha1, texts_.size()).first->second;
      k.id_type = 2;
    }
    for (std::size_t i = 0; i < 8; ++i) k.id[i] = static_cast<std::uint8_t>(n >> (8 * i));
    return k;
  }

 private:
  std::map<std::string, std::uint64_t> texts_;
};

}  // namespace

const CategoryRow* CaseReport::row(std::string_view label, bool probable) const {
  for (const auto& r : categories)
    if (r.label == label && r.probable == probable) return &r;
  return nullptr;
}

const CategoryRow* CaseReport::row(CategoryKind kind) const {
  const int severity = profile.uncategorised_severity() + (kind == CategoryKind::known_good ? 1 : 2);
  for (const auto& r : categories) {
    if (r.probable) continue;
    if (kind == CategoryKind::uncategorised ? r.uncategorised : r.excluded && r.severity == severity) return &r;
  }
  return nullptr;
}

std::optional<CaptureTime> capture_time(const ItemRecord& item) {
  if (const auto& dto = item.exif.datetime_original; dto && month_index(*dto)) {
    std::string text = *dto;
    if (item.exif.offset_time_original) text += " " + *item.exif.offset_time_original;
    return CaptureTime{text, "exif"};
  }
  if (item.fs.mtime) return CaptureTime{format_utc(*item.fs.mtime), "mtime"};
  return std::nullopt;
}

namespace {

// `visit` with the grades applied; most cases have none, and their items are not copied.
// Also where a stop request ends a rendering (every output reads the items through here).
std::function<void(const ItemRecord&)> graded_visit(const CaseReport& r,
                                                    const std::function<void(const ItemRecord&)>& visit) {
  if (r.grade_in_force.empty())
    return [&r, &visit](const ItemRecord& item) {
      r.stop.throw_if_requested();
      visit(item);
    };
  return [&r, &visit](const ItemRecord& stored) {
    r.stop.throw_if_requested();
    ItemRecord item = stored;
    apply_grades(r, item);
    visit(item);
  };
}

}  // namespace

void CaseReport::for_each_item(const std::function<void(const ItemRecord&)>& visit) const {
  reader->for_each_item(graded_visit(*this, visit));
}

void CaseReport::for_each_item_of(const std::vector<std::uint64_t>& seqs,
                                  const std::function<void(const ItemRecord&)>& visit) const {
  reader->for_each_item_of(seqs, graded_visit(*this, visit));
}

void CaseReport::for_each_error(const std::function<void(const WalkProblem&)>& visit) const {
  reader->for_each_problem([&](const WalkProblem& problem) {
    stop.throw_if_requested();
    visit(problem);
  });
}

namespace {

// An item's provenance into its category row's indicator counts and its camera's row.
void count_provenance(CaseReport& r, std::map<std::string, DeviceCamera>& cameras, CategoryRow& row,
                      const ItemRecord& item) {
  const Provenance& p = *item.provenance;
  ++r.with_provenance;
  ++row.indicators[static_cast<std::size_t>(p.indicator)];
  if (!p.camera_id) return;
  DeviceCamera& camera = cameras[*p.camera_id];
  camera.camera_id = *p.camera_id;
  if (p.own_camera) camera.own = p.own_camera;
  ++camera.items[{row.label, row.probable}];
  if (const auto& taken = item.exif.datetime_original) {
    if (camera.first_capture.empty() || *taken < camera.first_capture) camera.first_capture = *taken;
    if (camera.last_capture.empty() || *taken > camera.last_capture) camera.last_capture = *taken;
  }
  const auto slash = item.path.rfind('/');
  camera.locations.insert(slash == std::string::npos ? std::string() : item.path.substr(0, slash));
}

}  // namespace

CaseReport build_case_report(std::shared_ptr<const CaseReader> reader, const std::string& name,
                             const ProfileParser& parse_profile, StopToken stop) {
  CaseReport r;
  r.reader = reader;
  r.stop = stop;
  const CaseReader* store = reader.get();
  r.details = store->case_details();
  const auto runs = store->runs();
  if (runs.empty()) throw std::runtime_error(name + ": the case holds no run");
  r.run = runs.back();
  r.sources = store->sources();
  r.hash_sets = store->hash_sets();
  const auto profiles = store->profiles();
  if (profiles.empty()) throw std::runtime_error(name + ": the case records no profile");
  r.profile_name = profiles.back().name;
  r.profile_json = profiles.back().json;
  r.profile = parse_profile(r.profile_json, r.profile_name);
  r.thresholds = thresholds_from(r.run.options_json);
  store->for_each_problem([&](const WalkProblem&) { ++r.error_count; });
  index_grades(r, store->grades());

  // Rows: every profile category (zero or not), uncategorised and known good; probable and
  // other rows as items need them.
  const CategoryProfile& p = r.profile;
  for (const auto& def : p.categories) r.categories.push_back(make_row(def.label, def.code, def.severity));
  {
    CategoryRow u = make_row(p.uncategorised_label, "", p.uncategorised_severity());
    u.uncategorised = true;
    r.categories.push_back(u);
    CategoryRow k = make_row(p.known_good_label, "", p.uncategorised_severity() + 1);
    k.excluded = true;
    r.categories.push_back(k);
  }
  std::map<std::pair<std::string, bool>, std::size_t, std::less<>> row_index_of;  // (label, probable)
  for (std::size_t i = 0; i < r.categories.size(); ++i)
    row_index_of.try_emplace({r.categories[i].label, r.categories[i].probable}, i);
  auto row_for = [&](const ItemCategory& c) -> std::size_t {
    if (const auto it = row_index_of.find(std::pair{c.label, c.probable}); it != row_index_of.end()) return it->second;
    row_index_of.try_emplace({c.label, c.probable}, r.categories.size());
    CategoryRow row = make_row(c.label, c.code, c.severity, c.probable);
    row.uncategorised = category_kind(p, c) == CategoryKind::uncategorised;
    row.excluded = is_excluded(p, c);
    if (const CategoryDef* def = p.find(c.code); def && def->label == c.label) row.code = def->code;
    r.categories.push_back(std::move(row));
    return r.categories.size() - 1;
  };

  UniqueKeys unique_keys;
  std::vector<UniqueKey> counted;  // one per still image or video counted in a row
  // Findings by (severity, probable): each list is in walk order as read, so none is sorted.
  std::map<std::pair<int, bool>, std::vector<std::uint64_t>> findings;
  std::map<int, std::pair<std::uint64_t, std::uint64_t>> months;  // month index -> (exif, mtime) dated
  std::map<std::string, DeviceCamera> cameras;
  store->for_each_item([&](const ItemRecord& stored) {
    stop.throw_if_requested();
    ++r.item_count;
    const ItemRecord* graded = &stored;
    ItemRecord copy;
    if (!r.grade_in_force.empty()) {  // most cases have no grade: no copy of their items
      copy = stored;
      for (auto& [index, outcome] : apply_grades(r, copy)) {
        if (outcome.outcome == "applied") r.graded.insert(copy.seq);
        r.grades[index].items.push_back(std::move(outcome));
      }
      graded = &copy;
    }
    const ItemRecord& item = *graded;
    if (item.media_type == MediaType::image) ++r.stills;
    else if (item.media_type == MediaType::video) ++r.videos;
    else ++r.others;
    if (!item.category) return;
    const ItemCategory& c = *item.category;
    const bool excluded = is_excluded(p, c);
    if (!excluded) findings[{c.severity, c.probable}].push_back(item.seq);
    if (item.media_type == MediaType::other) return;  // counts are of still images and videos
    const std::size_t kind = item.media_type == MediaType::video ? kMoving : kStill;
    const std::size_t row_index = row_for(c);
    CategoryRow& row = r.categories[row_index];
    if (item.provenance) count_provenance(r, cameras, row, item);
    ++row.all[kind].instances;
    ++row.by_source[item.source_index][kind].instances;
    UniqueKey key = unique_keys.key(item);
    key.row = static_cast<std::uint32_t>(row_index);
    key.kind = static_cast<std::uint8_t>(kind);
    key.source = item.source_index;
    counted.push_back(key);
    if (excluded) return;
    if (const auto& dto = item.exif.datetime_original; dto && month_index(*dto)) {
      ++months[*month_index(*dto)].first;
      ++r.timeline.exif_dated;
    } else if (item.fs.mtime && month_index(format_utc(*item.fs.mtime))) {
      ++months[*month_index(format_utc(*item.fs.mtime))].second;
      ++r.timeline.mtime_dated;
    } else {
      ++r.timeline.undated;
    }
  });

  for (auto& [id, camera] : cameras) r.cameras.push_back(std::move(camera));
  // Distinct SHA-1 per (row, kind) over every source and per source, counted before the rows
  // are sorted.
  std::sort(counted.begin(), counted.end());
  for (std::size_t i = 0; i < counted.size(); ++i) {
    const UniqueKey& k = counted[i];
    CategoryRow& row = r.categories[k.row];
    if (i == 0 || !k.same_medium(counted[i - 1])) ++row.all[k.kind].unique;
    if (i == 0 || !k.same_medium(counted[i - 1]) || k.source != counted[i - 1].source)
      ++row.by_source[k.source][k.kind].unique;
  }
  std::stable_sort(r.categories.begin(), r.categories.end(), [](const CategoryRow& a, const CategoryRow& b) {
    return std::tie(a.excluded, a.severity, a.probable, a.label) < std::tie(b.excluded, b.severity, b.probable, b.label);
  });
  for (auto& [order, seqs] : findings) {
    r.findings.insert(r.findings.end(), seqs.begin(), seqs.end());
    std::vector<std::uint64_t>().swap(seqs);
  }

  if (!months.empty()) {
    const int first = months.begin()->first, last = months.rbegin()->first;
    Timeline& t = r.timeline;
    const bool by_year = last - first >= 48;
    t.bin = by_year ? "year" : "month";
    const int start = by_year ? first / 12 : first, end = by_year ? last / 12 : last;
    for (int b = start; b <= end; ++b)
      t.bins.push_back({by_year ? fmt::format("{:04}", b) : fmt::format("{:04}-{:02}", b / 12, b % 12 + 1)});
    for (const auto& [m, dated] : months) {
      TimelineBin& bin = t.bins[static_cast<std::size_t>((by_year ? m / 12 : m) - start)];
      bin.exif += dated.first;
      bin.mtime += dated.second;
    }
  }
  return r;
}

bool item_carved(const CaseReport& report, const ItemRecord& item) {
  if (item.fs.carved) return true;
  const auto source = std::find_if(report.sources.begin(), report.sources.end(),
                                   [&](const SourceInfo& s) { return s.index == item.source_index; });
  if (source == report.sources.end() || walked_as_files(source->kind)) return false;
  const auto path = EvidencePath::parse(item.path, source->path, false);
  return path && path->carved_offset().has_value();
}

}  // namespace triage
