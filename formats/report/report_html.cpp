#include "formats/report/report_html.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/text/hex.h"
#include "core/text/time_format.h"
#include "core/text/utf8.h"
#include "formats/report/html_text.h"
#include "formats/report/html_writer.h"
#include "formats/report/origin_section.h"
#include "core/text/json_text.h"

namespace triage {
namespace {

// Inline CSS: screen and A4 print. Margin boxes (@top-left ...) give the running header and
// "page x of y" where the browser supports them (Chromium 131 and later); elsewhere they are
// ignored and the case header stays on the first page only.
constexpr const char* kStyle = R"css(
body{font:10pt/1.4 "DejaVu Sans",Arial,sans-serif;color:#111;margin:1.5em auto;max-width:60em;padding:0 1em}
h1{font-size:16pt;margin:0 0 .3em}h2{font-size:13pt;border-bottom:1px solid #444;margin-top:1.6em}
h3{font-size:11pt;margin:1em 0 .3em}
table{border-collapse:collapse;margin:.4em 0 .8em;width:100%}
th,td{border:1px solid #999;padding:2px 5px;text-align:left;vertical-align:top}
th{background:#eee}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
table.kv th{width:14em}
.mono,.path{font-family:"DejaVu Sans Mono",monospace;font-size:8.5pt;word-break:break-all}
.ctl{border:1px solid #b00;color:#b00;font-family:monospace;font-size:7.5pt;padding:0 1px}
.note{color:#444;font-size:9pt}.rule{font-weight:bold}
.finding{border:1px solid #999;margin:.5em 0;break-inside:avoid}
.finding table{margin:0}.finding h3{background:#eee;margin:0;padding:2px 5px;font-size:10pt}
.probable{color:#8a4b00}.excluded{color:#555}
.caution{border:1px solid #8a4b00;border-left-width:4px;padding:3px 6px}
svg text{font:8pt "DejaVu Sans",Arial,sans-serif}
@media print{
 body{max-width:none;margin:0;padding:0;font-size:9pt}
 section{break-before:page}section#case{break-before:auto}
 thead{display:table-header-group}tr{break-inside:avoid}h2,h3{break-after:avoid}
}
)css";


std::string num(std::uint64_t n) { return fmt::format("{}", n); }

// "1 instance", "2 instances": a count with its noun in the right number.
std::string counted(std::uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string row_label(const CategoryRow& row) {
  return row.probable ? row.label + " (probable: PDQ match only)" : row.label;
}

void case_header(Html& h, const CaseReport& r) {
  const CaseDetails& d = r.details;
  h.raw("<section id=\"case\">\n<h1>Categorised evidence report</h1>\n<h2>1. Case</h2>\n");
  h.raw("<p class=\"note\">Produced by triage from the case database alone; all times are UTC (ISO 8601, "
        "suffix Z) unless marked as camera local time.</p>\n<table class=\"kv\">\n");
  h.kv("Case reference", d.case_ref).kv("Exhibit reference(s)", d.exhibit_ref).kv("Examiner", d.examiner);
  h.kv("Organisation", d.organisation);
  h.kv("Local time zone", d.time_zone.empty() ? std::string() : d.time_zone + " at the scan; the times below are UTC");
  h.kv("Tool", "triage " + r.run.tool_version).kv("Git commit", r.run.git_commit);
  h.raw(kRunMetadataBegin).raw("\n");
  h.kv("Scan started (UTC)", r.run.started_utc).kv("Scan ended (UTC)", r.run.ended_utc);
  h.kv("Run status", r.run.status).kv("Command line", r.run.command_line);
  h.kv("Worker threads", fmt::format("{}", r.run.jobs));
  h.kv("Time to first alert", r.run.first_alert_s ? fmt::format("{:.1f} s after the scan started", *r.run.first_alert_s)
                                                   : std::string("no alert"));
  h.raw(kRunMetadataEnd).raw("\n</table>\n</section>\n");
}

void counts_table(Html& h, const CaseReport& r, std::optional<std::uint32_t> source) {
  h.raw("<table class=\"counts\">\n<thead><tr><th rowspan=\"2\">Category</th><th colspan=\"2\">Still images</th>"
        "<th colspan=\"2\">Moving images (video)</th></tr>\n<tr><th class=\"n\">unique</th><th class=\"n\">instances</th>"
        "<th class=\"n\">unique</th><th class=\"n\">instances</th></tr></thead>\n<tbody>\n");
  for (const auto& row : r.categories) {
    std::array<Tally, 2> k{};
    if (!source) k = row.all;
    else if (auto it = row.by_source.find(*source); it != row.by_source.end()) k = it->second;
    const char* cls = row.probable ? " class=\"probable\"" : row.excluded ? " class=\"excluded\"" : "";
    h.raw("<tr").raw(cls).raw("><td>").text(row_label(row));
    if (row.excluded && row.label.find("exclu") == std::string::npos) h.raw(" (excluded)");
    if (row.uncategorised && row.label.find("grading") == std::string::npos) h.raw(" (needs grading)");
    h.raw("</td>");
    for (const Tally& t : {k[kStill], k[kMoving]})
      h.raw("<td class=\"n\">").raw(num(t.unique)).raw("</td><td class=\"n\">").raw(num(t.instances)).raw("</td>");
    h.raw("</tr>\n");
  }
  h.raw("</tbody></table>\n");
}

// Analyst grades: each with who and when, and what it did to each item with its hash.
void grades_table(Html& h, const CaseReport& r) {
  if (r.grades.empty()) return;
  h.raw("<h3>Analyst grades</h3>\n<p>Grades recorded with <em>triage grade</em> for items no hash set categorised. "
        "A grade never replaces a hash-set category: where one exists the grade is shown as agreeing or "
        "disagreeing with it, and the hash-set category stands.</p>\n");
  h.raw("<table>\n<thead><tr><th>Hash</th><th>Grade</th><th>Grader</th><th>Recorded (UTC)</th><th>Note</th>"
        "<th>Outcome</th></tr></thead>\n<tbody>\n");
  for (const auto& g : r.grades) {
    h.raw("<tr><td class=\"mono\">").text(to_string(g.grade.hash_type)).raw(" ").text(g.grade.hash).raw("</td><td>");
    h.text(g.label).raw(" (code ").text(g.grade.code).raw(")</td><td>").text(g.grade.grader).raw("</td><td>");
    h.text(g.grade.graded_utc).raw("</td><td>").text(g.grade.note).raw("</td><td>");
    if (g.superseded) h.raw("superseded by a later grade of the same hash");
    for (std::size_t i = 0; i < g.items.size(); ++i) {
      const auto& io = g.items[i];
      if (i) h.raw("<br>");
      h.raw("item ").raw(num(io.seq)).raw(": ");
      if (io.outcome == "applied") h.raw("applied");
      else if (io.outcome == "agrees") h.raw("agrees with the hash-set category ").text(io.database_category);
      else h.raw("<strong>disagrees</strong> with the hash-set category ").text(io.database_category).raw(", which stands");
    }
    h.raw("</td></tr>\n");
  }
  h.raw("</tbody></table>\n");
}

void summary(Html& h, const CaseReport& r) {
  h.raw("<section id=\"summary\">\n<h2>2. Summary</h2>\n");
  h.raw("<p class=\"rule\">Counting rule: ").text(kCountingRule).raw("</p>\n");
  h.raw("<table class=\"kv\">\n");
  h.kv("Files examined", num(r.item_count)).kv("Still images", num(r.stills)).kv("Videos", num(r.videos));
  h.kv("Other files", num(r.others));
  const CategoryRow* u = r.row(CategoryKind::uncategorised);
  const CategoryRow* k = r.row(CategoryKind::known_good);
  if (u)
    h.kv("Uncategorised, needing grading",
         fmt::format("{} ({} unique)",
                     counted(u->all[kStill].instances + u->all[kMoving].instances, "instance", "instances"),
                     u->all[kStill].unique + u->all[kMoving].unique));
  if (k)
    h.kv("Known good, excluded",
         fmt::format("{} ({} unique)",
                     counted(k->all[kStill].instances + k->all[kMoving].instances, "instance", "instances"),
                     k->all[kStill].unique + k->all[kMoving].unique));
  h.kv("Not examined (see section 8)", num(r.error_count));
  if (!r.grades.empty()) {
    std::size_t applied = 0, disagree = 0;
    for (const auto& g : r.grades)
      for (const auto& i : g.items) {
        if (i.outcome == "applied") ++applied;
        if (i.outcome == "disagrees") ++disagree;
      }
    h.kv("Analyst grades (triage grade)",
         fmt::format("{} recorded; applied to {}; {} disagreeing with a hash-set category (see below)",
                     r.grades.size(), counted(applied, "item", "items"), disagree));
  }
  h.raw("</table>\n<h3>All sources</h3>\n");
  counts_table(h, r, std::nullopt);
  if (r.sources.size() > 1) {
    for (const auto& s : r.sources) {
      h.raw("<h3>Source ").raw(num(s.index)).raw(": ").path(s.path).raw("</h3>\n");
      counts_table(h, r, s.index);
    }
  }
  grades_table(h, r);
  h.raw("</section>\n");
}

void category_chart(Html& h, const CaseReport& r) {
  std::uint64_t max = 1;
  for (const auto& row : r.categories) max = std::max(max, row.all[kStill].instances + row.all[kMoving].instances);
  const int bar_h = 16, label_w = 260, plot_w = 360;
  const int height = static_cast<int>(r.categories.size()) * (bar_h + 4) + 8;
  h.raw(fmt::format("<svg role=\"img\" width=\"{}\" height=\"{}\" "
                    "viewBox=\"0 0 {} {}\">\n<title>Instances per category</title>\n",
                    label_w + plot_w + 60, height, label_w + plot_w + 60, height));
  int y = 4;
  for (const auto& row : r.categories) {
    const std::uint64_t still = row.all[kStill].instances, moving = row.all[kMoving].instances;
    const int ws = static_cast<int>(static_cast<double>(still) * plot_w / static_cast<double>(max));
    const int wm = static_cast<int>(static_cast<double>(moving) * plot_w / static_cast<double>(max));
    h.raw(fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">", label_w - 6, y + 12)).text(row_label(row));
    h.raw("</text>\n");
    h.raw(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#3465a4\"/>", label_w, y, ws, bar_h));
    h.raw(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f57900\"/>", label_w + ws, y, wm,
                      bar_h));
    h.raw(fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", label_w + ws + wm + 4, y + 12, still + moving));
    y += bar_h + 4;
  }
  h.raw("</svg>\n<p class=\"note\">Bars: instances per category; blue still images, orange videos.</p>\n");
}

void timeline_chart(Html& h, const Timeline& t) {
  h.raw("<h3>Capture dates</h3>\n");
  h.raw(fmt::format("<p>Capture date of each categorised still image and video (known good excluded), by {}: {} "
                    "dated by EXIF DateTimeOriginal (camera local time), {} by the file's modification time (file "
                    "system, UTC) because they carry no EXIF date, {} with neither.</p>\n",
                    t.bin, t.exif_dated, t.mtime_dated, t.undated));
  if (t.bins.empty()) {
    h.raw("<p><em>No dated items.</em></p>\n");
    return;
  }
  std::uint64_t max = 1;
  for (const auto& b : t.bins) max = std::max(max, b.exif + b.mtime);
  const int plot_h = 140, top = 14, bottom = 40;
  const int bar_w = std::max(2, std::min(24, 640 / static_cast<int>(t.bins.size())));
  // Room on the right for the last period label, which is drawn rotated down to the right.
  const int width = 40 + bar_w * static_cast<int>(t.bins.size()) + 56;
  const std::size_t label_every = std::max<std::size_t>(1, t.bins.size() / 12);
  h.raw(fmt::format("<svg role=\"img\" width=\"{}\" height=\"{}\" "
                    "viewBox=\"0 0 {} {}\">\n<title>Capture dates</title>\n",
                    width, plot_h + top + bottom, width, plot_h + top + bottom));
  h.raw(fmt::format("<text x=\"0\" y=\"{}\">{}</text>\n", top, max));
  h.raw(fmt::format("<line x1=\"38\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\"/>\n", top + plot_h, width,
                    top + plot_h));
  for (std::size_t i = 0; i < t.bins.size(); ++i) {
    const auto& b = t.bins[i];
    const int x = 40 + static_cast<int>(i) * bar_w;
    const int he = static_cast<int>(static_cast<double>(b.exif) * plot_h / static_cast<double>(max));
    const int hm = static_cast<int>(static_cast<double>(b.mtime) * plot_h / static_cast<double>(max));
    if (he > 0)
      h.raw(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#3465a4\"/>", x,
                        top + plot_h - he, bar_w - 1, he));
    if (hm > 0)
      h.raw(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#babdb6\"/>", x,
                        top + plot_h - he - hm, bar_w - 1, hm));
    if (i % label_every == 0)
      h.raw(fmt::format("<text x=\"{}\" y=\"{}\" transform=\"rotate(45 {} {})\">{}</text>", x, top + plot_h + 10, x,
                        top + plot_h + 10, b.period));
    h.raw("\n");
  }
  h.raw("</svg>\n<p class=\"note\">Blue: EXIF DateTimeOriginal. Grey: file modification time.</p>\n");
}

void charts(Html& h, const CaseReport& r) {
  h.raw("<section id=\"charts\">\n<h2>3. Charts</h2>\n<h3>Instances per category</h3>\n");
  category_chart(h, r);
  timeline_chart(h, r.timeline);
  h.raw("</section>\n");
}

void method(Html& h, const CaseReport& r) {
  h.raw("<section id=\"method\">\n<h2>5. Method</h2>\n");
  h.raw("<p>Every still image and video in the sources was identified by its content, digested (MD5, SHA-1, "
        "SHA-256) and, for still images, given a PDQ perceptual hash; the digests and hashes were compared with "
        "the hash sets below, and the profile below turned the sets' category codes into categories.</p>\n");
  h.raw("<h3>Hash sets</h3>\n");
  if (r.hash_sets.empty()) {
    h.raw("<p><em>No hash set was used: every still image and video is uncategorised.</em></p>\n");
  } else {
    h.raw("<table>\n<thead><tr><th>Name</th><th>Role</th><th>Format</th><th>Version / date</th>"
          "<th class=\"n\">Records</th><th>File and its SHA-256</th><th>Imported (UTC)</th></tr></thead>\n<tbody>\n");
    for (const auto& s : r.hash_sets) {
      h.raw("<tr><td>").text(s.name).raw("</td><td>").text(to_string(s.role)).raw("</td><td>").text(s.format);
      h.raw("</td><td>").or_not_recorded(s.version).raw("</td><td class=\"n\">").raw(num(s.record_count));
      h.raw("</td><td><span class=\"path\">").text(s.source_file).raw("</span><br><span class=\"mono\">");
      h.text(s.source_sha256).raw("</span></td><td>").text(s.imported_utc).raw("</td></tr>\n");
    }
    h.raw("</tbody></table>\n");
  }
  h.raw("<h3>Category profile</h3>\n<p>").text(r.profile_name).raw(": ").text(r.profile.title).raw("</p>\n");
  h.raw("<table>\n<thead><tr><th>Code</th><th>Label</th><th class=\"n\">Severity</th><th>Group</th></tr></thead>\n"
        "<tbody>\n");
  for (const auto& c : r.profile.categories)
    h.raw("<tr><td>").text(c.code).raw("</td><td>").text(c.label).raw("</td><td class=\"n\">").raw(
         fmt::format("{}", c.severity)).raw("</td><td>").text(c.group).raw("</td></tr>\n");
  h.raw("</tbody></table>\n<h3>Thresholds</h3>\n<table class=\"kv\">\n");
  const ScanThresholds& t = r.thresholds;
  h.kv("PDQ perceptual matching", t.pdq ? "on (still images)" : "off (--no-pdq): exact digest matches only");
  if (t.pdq) {
    const auto bits = static_cast<std::uint64_t>(std::max(t.pdq_max_distance, 0));
    h.kv("PDQ distance", fmt::format("at most {} of 256, over the image's 8 rotations and mirror images",
                                     counted(bits, "bit", "bits")));
    h.kv("PDQ quality", fmt::format("images of PDQ quality at least {} (of 100) are matched perceptually",
                                    t.pdq_min_quality));
  }
  if (!t.video_fps) {
    h.kv("Video frames", "not decoded (no --video-fps): videos are matched by exact digest only");
  } else {
    const std::string sampled = t.video_keyframes ? "key frames only (--video-keyframes)"
                                : *t.video_fps == 0 ? "every frame"
                                                    : fmt::format("{:g} per second", *t.video_fps);
    h.kv("Video frames", fmt::format("PDQ of the frames decoded: {}; a known still image within the PDQ distance "
                                     "of a frame is a probable match of the video",
                                     sampled));
    h.kv("Video frame coverage",
         fmt::format("a video is a probable match of a known video (vPDQ set) when at least {:g}% of the known "
                     "video's distinct frames of PDQ quality at least 50 are within the PDQ distance of one of its "
                     "frames of quality at least {}",
                     t.video_match_percent, t.pdq_min_quality));
  }
  h.kv("Files digested", t.all_files ? "every file" : "still images and videos (other files identified only)");
  h.raw("</table>\n<h3>Software</h3>\n<table class=\"kv\">\n");
  h.kv("triage", r.run.tool_version + " (git " + r.run.git_commit + ")");
  if (r.run.libraries.empty()) h.kv("Libraries", "not recorded (a case made before triage recorded them)");
  for (const auto& l : r.run.libraries) h.kv(l.name, l.version);
  h.raw("</table>\n<h3>What a probable (PDQ) match means</h3>\n");
  h.raw("<p>A probable match says that an image looks like a hash-set image: its PDQ hash is within the distance "
        "above of the set's PDQ hash, so it may be a resized, re-encoded, rotated or mirrored copy. It is "
        "indicative only: every probable match must be confirmed by an examiner looking at the image before it "
        "is relied upon. An exact match says the file's MD5, SHA-1 or SHA-256 equals the set's record: the file "
        "is a bit-for-bit copy of the recorded image. Where both exist the exact match decides the category.</p>\n");
  h.raw("</section>\n");
}

// A source's whole-media digests, one per line; why not, when they were not taken.
void media_digests(Html& h, const SourceInfo& s, const Digests& d, bool after) {
  if (!d.sha256.empty()) {  // the re-read after the walk computes SHA-256 alone
    h.raw("<span class=\"mono\">");
    if (!d.md5.empty()) h.raw("MD5 ").text(d.md5).raw("<br>");
    if (!d.sha1.empty()) h.raw("SHA-1 ").text(d.sha1).raw("<br>");
    h.raw("SHA-256 ").text(d.sha256).raw("</span>");
  } else if (s.kind == SourceKind::directory) {
    h.raw("<em>not applicable: a folder; each file is digested (section 7)</em>");
  } else if (s.kind == SourceKind::archive) {
    h.raw("<em>not applicable: an archive, digested as an item with each member (section 7)</em>");
  } else if (s.integrity == Integrity::skipped) {
    h.raw("<em>not taken (--no-source-hash)</em>");
  } else {
    h.raw(after ? "<em>not re-read</em>" : "<em>not recorded</em>");
  }
}

void integrity(Html& h, const CaseReport& r) {
  h.raw("<section id=\"integrity\">\n<h2>6. Evidence integrity</h2>\n");
  h.raw("<p>Sources were opened read-only and never written. The whole media of a disk image or device is digested "
        "(beside the walk, or before or after it: the table says which) and read again after the walk; the two must "
        "agree, and an E01 image's own MD5 (recorded at "
        "acquisition) must agree with the first. A folder has no media digest: each file in it is digested "
        "instead.</p>\n<table>\n<thead><tr><th class=\"n\">#</th><th>Source</th><th>Kind</th>"
        "<th>Digests before</th><th>Digests after</th><th>Result</th></tr></thead>\n<tbody>\n");
  for (const auto& s : r.sources) {
    h.raw("<tr><td class=\"n\">").raw(num(s.index)).raw("</td><td>").path(s.path).raw("</td><td>").text(to_string(s.kind));
    if (!s.image_format.empty()) h.raw(" (").text(s.image_format).raw(")");
    if (s.media_size) h.raw("<br>").raw(counted(*s.media_size, "byte", "bytes"));
    h.raw("</td><td>");
    media_digests(h, s, s.media, false);
    if (!s.media_read.empty() && !s.media.empty()) {
      std::string when = s.media_read;  // "beside_walk" reads "read beside the walk"
      std::replace(when.begin(), when.end(), '_', ' ');
      h.raw("<br>read ").text(when.substr(0, when.find(' '))).raw(" the walk");
    }
    h.raw("</td><td>");
    media_digests(h, s, s.verified, true);
    h.raw("</td><td>");
    const bool bad = integrity_failed(s.integrity);
    std::string verdict = to_string(s.integrity);  // "not_applicable" reads as "not applicable"
    std::replace(verdict.begin(), verdict.end(), '_', ' ');
    h.raw(bad ? "<strong>" : "").text(verdict).raw(bad ? "</strong>" : "");
    if (s.stored_md5) h.raw("<br>E01 stored MD5 <span class=\"mono\">").text(*s.stored_md5).raw("</span>");
    if (!s.integrity_note.empty()) h.raw("<br>").text(s.integrity_note);
    h.raw("</td></tr>\n");
  }
  h.raw("</tbody></table>\n</section>\n");
}

void match_basis(Html& h, const ItemMatch& m) {
  if (m.hash_type == HashType::vpdq) {
    h.raw("<span class=\"probable\">probable: video frames (vPDQ), ");
    h.raw(fmt::format("{:.2f}% of the known video's frames found here, {:.2f}% of this video's frames in it",
                      m.known_percent.value_or(0), m.seized_percent.value_or(0)))
        .raw("</span>");
  } else if (m.probable()) {
    h.raw("<span class=\"probable\">probable: PDQ distance ").raw(fmt::format("{}", m.distance.value_or(-1)));
    h.raw(", variant ").text(m.variant).raw(fmt::format(", quality {}", m.quality.value_or(-1)));
    if (m.frame) h.raw(fmt::format(", video frame {} at {:.3f} s", *m.frame, m.timestamp.value_or(0)));
    h.raw("</span>");
  } else {
    h.raw("exact ").text(to_string(m.hash_type)).raw(" digest");
  }
  h.raw("; set ").text(m.set).raw(" (").text(to_string(m.role)).raw(")");
  if (!m.media_id.empty()) h.raw(", record ").text(m.media_id);
  if (!m.category.empty()) h.raw(", code ").text(m.category);
}

// A deleted file's blocks given to something else since: its digests may not be the original's.
std::string overwritten_flag(Overwritten state) {
  switch (state) {
    case Overwritten::none: return "; content blocks not reused";
    case Overwritten::partial: return "; content partly overwritten (some of its blocks are allocated again)";
    case Overwritten::full: return "; content overwritten (all of its blocks are allocated again)";
  }
  return "";
}

// NTFS $FILE_NAME times that differ from $STANDARD_INFORMATION's. Windows rewrites the former
// only on create, rename and move, so later $STANDARD_INFORMATION times are usual; earlier ones
// are what back-dating tools leave, as they rewrite $STANDARD_INFORMATION alone.
std::string fn_times_text(const FsFacts& fs) {
  std::string out;
  const auto pair = [&out](const char* name, const std::optional<UnixNanos>& si, const std::optional<UnixNanos>& fn) {
    if (!fn || fn == si) return;
    if (!out.empty()) out += "; ";
    out += fmt::format("{} {} ($STANDARD_INFORMATION: {})", name, format_utc(*fn),
                       si ? format_utc(*si) : std::string("not recorded"));
  };
  pair("modified", fs.mtime, fs.fn_mtime);
  pair("accessed", fs.atime, fs.fn_atime);
  pair("changed", fs.ctime, fs.fn_ctime);
  pair("born", fs.btime, fs.fn_btime);
  if (si_time_precedes_fn(fs))
    return out + ". A $STANDARD_INFORMATION time earlier than the $FILE_NAME one is a possible sign that the times "
                 "were back-dated (timestomping).";
  return out + ". $STANDARD_INFORMATION times later than $FILE_NAME's are usual after the file changed.";
}

// A decoded video's facts, one line: what it is, how much of it was hashed, its own time tag.
std::string video_text(const VideoFacts& v) {
  const VideoInfo& i = v.info;
  std::string out = fmt::format("{}, {} x {} pixels", i.codec, i.width, i.height);
  if (i.frame_rate > 0) out += fmt::format(", {:g} frames per second", i.frame_rate);
  if (i.duration) out += fmt::format(", {:.3f} s", *i.duration);
  out += fmt::format(" (container {}); {} decoded, {} hashed", i.container, counted(v.decoded_frames, "frame", "frames"),
                     v.hashed_frames);
  if (i.rotation != 0) out += fmt::format("; shown turned {} degrees clockwise", i.rotation);
  if (i.creation_time) out += fmt::format("; creation_time tag {}", *i.creation_time);
  return out;
}

void finding(Html& h, const CaseReport& r, const ItemRecord& item, std::size_t n) {
  const ItemCategory& c = *item.category;
  h.raw("<div class=\"finding\"><h3>").raw(num(n)).raw(". ").text(c.label);
  if (c.probable) h.raw(" <span class=\"probable\">(probable: to be confirmed by an examiner)</span>");
  h.raw("</h3>\n<table class=\"kv\">\n<tr><th>Evidence path</th><td>").path(item.path).raw("</td></tr>\n");
  if (item.source_index < r.sources.size()) h.kv("Source", fmt::format("{}", item.source_index));
  std::string flags = item.fs.deleted ? "deleted" : "not deleted";
  if (item_carved(r, item)) flags += "; carved from unallocated space";
  if (item.extension_mismatch) flags += "; name extension does not match content";
  if (item.fs.overwritten) flags += overwritten_flag(*item.fs.overwritten);
  h.kv("Flags", flags);
  if (fn_times_differ(item.fs)) h.kv("$FILE_NAME times", fn_times_text(item.fs));
  h.kv("Type", std::string(to_string(item.media_type)) + ", " + item.mime);
  if (item.video) h.kv("Video", video_text(*item.video));
  h.kv("Size", counted(item.size, "byte", "bytes"));
  h.raw("<tr><th>MD5</th><td class=\"mono\">").or_not_recorded(item.digests.md5).raw("</td></tr>\n");
  h.raw("<tr><th>SHA-1</th><td class=\"mono\">").or_not_recorded(item.digests.sha1).raw("</td></tr>\n");
  h.raw("<tr><th>Match basis</th><td>");
  if (item.matches.empty()) h.raw("no hash-set match");
  for (std::size_t i = 0; i < item.matches.size(); ++i) {
    if (i) h.raw("<br>");
    match_basis(h, item.matches[i]);
  }
  h.raw("</td></tr>\n<tr><th>Category and record</th><td>").text(c.label);
  if (!c.code.empty()) h.raw(" (code ").text(c.code).raw(")");
  h.raw(": ").text(c.reason);
  if (c.conflict) h.raw("<br><strong>The hash sets disagree; the most severe category applies.</strong>");
  h.raw("</td></tr>\n");
  if (auto t = capture_time(item))
    h.kv("Capture time", t->source == "exif" ? t->text + " (EXIF DateTimeOriginal, camera local time)"
                                             : t->text + " (file modification time; no EXIF date)");
  else
    h.kv("Capture time", "");
  const auto& e = item.exif;
  if (e.make || e.model)
    h.kv("Camera", e.make.value_or("") + (e.make && e.model ? " " : "") + e.model.value_or("") +
                       (e.serial ? ", serial " + *e.serial : std::string()));
  if (e.gps_lat && e.gps_lon)
    h.kv("GPS position", fmt::format("{}, {}{}", json_number(*e.gps_lat), json_number(*e.gps_lon),
                                     e.gps_alt ? fmt::format(", altitude {} m", json_number(*e.gps_alt)) : ""));
  h.raw("</table></div>\n");
}

void findings(Html& h, const CaseReport& r) {
  h.raw("<section id=\"findings\">\n<h2>7. Findings</h2>\n");
  h.raw(fmt::format("<p>{}, most severe first (within a category, exact matches before probable ones, then "
                    "in the order found). Known-good and ignored files are not listed. No image is shown.</p>\n",
                    counted(r.findings.size(), "item", "items")));
  std::size_t n = 0;
  r.for_each_item_of(r.findings, [&](const ItemRecord& item) {
    finding(h, r, item, ++n);
    h.sink.flush_if_large();
  });
  h.raw("</section>\n");
}

void not_examined(Html& h, const CaseReport& r) {
  h.raw("<section id=\"not-examined\">\n<h2>8. Not examined</h2>\n");
  if (r.error_count == 0) {
    h.raw("<p>Everything found in the sources was examined.</p>\n</section>\n");
    return;
  }
  h.raw(fmt::format("<p>{} could not be examined, or not fully; each with the reason.</p>\n",
                    counted(r.error_count, "entry", "entries")));
  h.raw("<table>\n<thead><tr><th class=\"n\">#</th><th>Evidence path</th><th>Stage</th><th>Reason</th>"
        "<th>Kind</th></tr></thead>\n<tbody>\n");
  r.for_each_error([&](const WalkProblem& e) {
    h.raw("<tr><td class=\"n\">").raw(num(e.seq)).raw("</td><td>").path(e.path).raw("</td><td>").text(e.kind);
    h.raw("</td><td>").text(e.message).raw("</td><td>").raw(e.is_error ? "error" : "notice").raw("</td></tr>\n");
    h.sink.flush_if_large();
  });
  h.raw("</tbody></table>\n</section>\n");
}

void glossary(Html& h, const CaseReport& r) {
  h.raw("<section id=\"glossary\">\n<h2>9. Glossary</h2>\n<dl>\n");
  const std::pair<const char*, const char*> terms[] = {
      {"Evidence path", "Where an item was found: the source as given, then the path below it."},
      {"MD5, SHA-1, SHA-256", "Cryptographic digests of a file's content; equal digests mean identical files."},
      {"Exact match", "A file whose digest equals a hash-set record's digest."},
      {"PDQ", "A perceptual hash of an image (256 bits): similar-looking images have nearby hashes."},
      {"Probable match", "An image whose PDQ hash is within the stated distance of a hash-set PDQ hash; "
                         "indicative only, to be confirmed by an examiner."},
      {"Distance", "The number of the 256 PDQ bits that differ (Hamming distance); 0 is identical."},
      {"Variant", "Which rotation or mirror image of the item came closest to the record."},
      {"Unique / instances", "Unique counts distinct files (by SHA-1); instances counts every copy found."},
      {"Known good", "Matched only a known-good set (such as NSRL): excluded from the categories."},
      {"Uncategorised", "Still images and videos that matched no set: they need grading by an examiner."},
      {"First person produced imagery", "Imagery produced by the person depicted, typically with their own "
                                        "device; it is categorised exactly as any other imagery."},
      {"EXIF", "Metadata written by the camera: make, model, capture time (camera local time), GPS position."},
  };
  for (const auto& [term, text] : terms) h.raw("<dt>").text(term).raw("</dt><dd>").text(text).raw("</dd>\n");
  h.raw("</dl>\n<h3>Category definitions (profile ").text(r.profile_name).raw(")</h3>\n<dl>\n");
  for (const auto& c : r.profile.categories)
    h.raw("<dt>").text(c.label).raw("</dt><dd>").text(c.definition.empty() ? "No definition given." : c.definition)
        .raw("</dd>\n");
  h.raw("</dl>\n</section>\n");
}

}  // namespace

void write_report_html(const CaseReport& r, OutputSink& sink) {
  Html h(sink);
  const std::string header = "Case " + (r.details.case_ref.empty() ? "(not recorded)" : r.details.case_ref) +
                             " / Exhibit " +
                             (r.details.exhibit_ref.empty() ? "(not recorded)" : r.details.exhibit_ref);
  h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  // No script, no fetch of any kind, even if something were injected.
  h.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
  h.raw("<title>triage report: ").text(header).raw("</title>\n<style>");
  h.raw(kStyle);
  h.raw("@page{size:A4;margin:18mm 14mm 16mm 14mm;@top-left{content:").raw(css_string(header));
  h.raw(";font:8pt sans-serif}@top-right{content:\"triage categorised evidence report\";font:8pt sans-serif}"
        "@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);font:8pt sans-serif}}\n");
  h.raw("</style>\n</head>\n<body>\n");
  case_header(h, r);
  summary(h, r);
  charts(h, r);
  write_origin_section(h, r);
  method(h, r);
  integrity(h, r);
  findings(h, r);
  not_examined(h, r);
  glossary(h, r);
  h.raw("</body>\n</html>\n");
  sink.flush();
}

std::string render_report_html(const CaseReport& r) {
  return render_to_string([&](OutputSink& sink) { write_report_html(r, sink); });
}

}  // namespace triage
