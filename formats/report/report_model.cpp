#include "formats/report/report_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <tuple>

#include "core/text/time_format.h"
#include "formats/profile/profile_loader.h"

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

bool is_excluded(const CategoryProfile& p, const ItemCategory& c) {
  return c.known_good || c.label == p.known_good_label || c.label == p.ignored_label;
}

std::string category_text(const ItemCategory& c) {
  return c.code.empty() ? c.label : fmt::format("{} (code {})", c.label, c.code);
}

// Applies the case's analyst grades to its items, in the order recorded (a later grade of a hash
// replaces an earlier one). See GradeOutcome for the rule.
void apply_grades(CaseReport& r, const std::vector<AnalystGrade>& grades) {
  const CategoryProfile& p = r.profile;
  std::map<std::string, std::int64_t> latest;  // hash -> id of its last grade
  for (const AnalystGrade& g : grades) latest[g.hash] = g.id;
  for (const AnalystGrade& g : grades) {
    GradeOutcome o;
    o.grade = g;
    const CategoryDef* def = p.find(g.code);
    o.label = def ? def->label : g.code;
    o.superseded = latest[g.hash] != g.id;
    if (!o.superseded) {
      for (ItemRecord& item : r.items) {
        if ((g.hash_type == "sha1" ? item.digests.sha1 : item.digests.md5) != g.hash) continue;
        GradeOutcome::ItemOutcome io;
        io.seq = item.seq;
        const std::string by = fmt::format("{} (code {}) by {} at {}{}", o.label, g.code, g.grader, g.graded_utc,
                                           g.note.empty() ? "" : ": " + g.note);
        std::optional<ItemCategory>& c = item.category;
        const bool from_sets = c && !c->probable && c->label != p.uncategorised_label && !r.graded.count(item.seq);
        if (from_sets) {
          const bool agrees = !is_excluded(p, *c) && c->code == g.code;
          io.outcome = agrees ? "agrees" : "disagrees";
          io.database_category = category_text(*c);
          // The hash-set category stands; the grade is shown next to it, never silently dropped.
          c->reason += agrees ? "; confirmed by the analyst grade " + by
                              : "; DISAGREEING analyst grade " + by + " (the hash-set category stands)";
        } else {
          io.outcome = "applied";
          ItemCategory graded;
          graded.label = o.label;
          graded.code = g.code;
          graded.severity = def ? def->severity : p.uncategorised_severity();
          graded.reason = "analyst grade " + by;
          if (c && c->probable) graded.reason += "; the probable PDQ match indicated " + category_text(*c);
          c = graded;
          r.graded.insert(item.seq);
        }
        o.items.push_back(std::move(io));
      }
    }
    r.grades.push_back(std::move(o));
  }
}

}  // namespace

const CategoryRow* CaseReport::row(std::string_view label, bool probable) const {
  for (const auto& r : categories)
    if (r.label == label && r.probable == probable) return &r;
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

CaseReport load_case_report(const std::filesystem::path& case_db) {
  if (!std::filesystem::exists(case_db)) throw std::runtime_error(case_db.string() + ": no case database");
  CaseReport r;
  auto store = CaseStore::open_read_only(case_db);
  r.details = store->case_details();
  const auto runs = store->runs();
  if (runs.empty()) throw std::runtime_error(case_db.string() + ": the case holds no run");
  r.run = runs.back();
  r.sources = store->sources();
  r.hash_sets = store->hash_sets();
  const auto profiles = store->profiles();
  if (profiles.empty()) throw std::runtime_error(case_db.string() + ": the case records no profile");
  r.profile_name = profiles.back().name;
  r.profile_json = profiles.back().json;
  r.profile = parse_profile_text(r.profile_json, r.profile_name);
  r.thresholds = thresholds_from(r.run.options_json);
  store->for_each_item([&](const ItemRecord& item) { r.items.push_back(item); });
  store->for_each_problem([&](const WalkProblem& p) { r.errors.push_back(p); });
  store.reset();
  apply_grades(r, analyst_grades(case_db));

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
  auto row_for = [&](const ItemCategory& c) -> CategoryRow& {
    for (auto& row : r.categories)
      if (row.label == c.label && row.probable == c.probable) return row;
    CategoryRow row = make_row(c.label, c.code, c.severity, c.probable);
    row.uncategorised = c.label == p.uncategorised_label;
    row.excluded = is_excluded(p, c);
    if (const CategoryDef* def = p.find(c.code); def && def->label == c.label) row.code = def->code;
    r.categories.push_back(std::move(row));
    return r.categories.back();
  };

  // Distinct SHA-1 per (label, probable, kind, source); source UINT32_MAX = every source.
  std::set<std::tuple<std::string, bool, std::size_t, std::uint32_t, std::string>> seen;
  std::vector<std::pair<int, std::size_t>> months;  // (month index, 0 exif / 1 mtime)
  for (std::size_t i = 0; i < r.items.size(); ++i) {
    const ItemRecord& item = r.items[i];
    if (item.media_type == MediaType::image) ++r.stills;
    else if (item.media_type == MediaType::video) ++r.videos;
    else ++r.others;
    if (!item.category) continue;
    const ItemCategory& c = *item.category;
    const bool excluded = is_excluded(p, c);
    if (!excluded) r.findings.push_back(i);
    if (item.media_type == MediaType::other) continue;  // counts are of still images and videos
    const std::size_t kind = item.media_type == MediaType::video ? kMoving : kStill;
    CategoryRow& row = row_for(c);
    const std::string key = item.digests.sha1.empty() ? fmt::format("#{}", item.seq) : item.digests.sha1;
    for (const std::uint32_t source : {item.source_index, UINT32_MAX}) {
      Tally& t = source == UINT32_MAX ? row.all[kind] : row.by_source[source][kind];
      ++t.instances;
      if (seen.emplace(row.label, row.probable, kind, source, key).second) ++t.unique;
    }
    if (excluded) continue;
    if (const auto& dto = item.exif.datetime_original; dto && month_index(*dto)) {
      months.emplace_back(*month_index(*dto), 0);
      ++r.timeline.exif_dated;
    } else if (item.fs.mtime && month_index(format_utc(*item.fs.mtime))) {
      months.emplace_back(*month_index(format_utc(*item.fs.mtime)), 1);
      ++r.timeline.mtime_dated;
    } else {
      ++r.timeline.undated;
    }
  }
  std::stable_sort(r.categories.begin(), r.categories.end(), [](const CategoryRow& a, const CategoryRow& b) {
    return std::tie(a.excluded, a.severity, a.probable, a.label) < std::tie(b.excluded, b.severity, b.probable, b.label);
  });
  std::stable_sort(r.findings.begin(), r.findings.end(), [&](std::size_t a, std::size_t b) {
    const ItemCategory& ca = *r.items[a].category;
    const ItemCategory& cb = *r.items[b].category;
    return std::tie(ca.severity, ca.probable, r.items[a].seq) < std::tie(cb.severity, cb.probable, r.items[b].seq);
  });

  if (!months.empty()) {
    auto [lo, hi] = std::minmax_element(months.begin(), months.end());
    const int first = lo->first, last = hi->first;
    Timeline& t = r.timeline;
    const bool by_year = last - first >= 48;
    t.bin = by_year ? "year" : "month";
    const int start = by_year ? first / 12 : first, end = by_year ? last / 12 : last;
    for (int b = start; b <= end; ++b)
      t.bins.push_back({by_year ? fmt::format("{:04}", b) : fmt::format("{:04}-{:02}", b / 12, b % 12 + 1)});
    for (const auto& [m, source] : months) {
      TimelineBin& bin = t.bins[static_cast<std::size_t>((by_year ? m / 12 : m) - start)];
      ++(source == 0 ? bin.exif : bin.mtime);
    }
  }
  return r;
}

bool item_carved(const CaseReport& report, const ItemRecord& item) {
  if (item.fs.carved) return true;
  const auto source = std::find_if(report.sources.begin(), report.sources.end(),
                                   [&](const SourceInfo& s) { return s.index == item.source_index; });
  if (source == report.sources.end() || source->kind == "directory") return false;
  const auto slash = item.path.rfind('/');
  const std::string_view name = std::string_view(item.path).substr(slash == std::string::npos ? 0 : slash + 1);
  return name.starts_with("unalloc@") && name.size() > 8 &&
         name.find_first_not_of("0123456789", 8) == std::string_view::npos;
}

}  // namespace triage
