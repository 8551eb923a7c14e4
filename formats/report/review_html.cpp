#include "formats/report/review_html.h"

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/category/profile.h"
#include "core/digest/digests.h"
#include "core/text/json_text.h"
#include "formats/report/html_text.h"

namespace triage {

// The page's script and style (formats/report/review/, embedded at build time).
extern const std::string_view kReviewScript;
extern const std::string_view kReviewStyle;

namespace {

// The columns of each item's row in the page's data, in the order review.js reads them by name.
// The columns named in kTables hold an index into a table of their values (null: none), written
// after the rows: a folder, a category label or a camera id is written once, not once per item.
constexpr const char* kColumns[] = {"dir",      "name",   "sha1",   "sha256",  "kind",    "category",
                                    "probable", "needs",  "indicator", "origin", "camera", "source",
                                    "deleted",  "carved", "cluster", "cluster_size"};
constexpr const char* kTables[] = {"dir", "kind", "category", "indicator", "origin", "camera"};

// A table of distinct values in the order first met.
class ValueTable {
 public:
  // Appends the value's index, or null for an empty value.
  void append_index(std::string& out, const std::string& value) {
    if (value.empty()) {
      out += "null";
      return;
    }
    const auto [it, added] = index_.try_emplace(value, values_.size());
    if (added) values_.push_back(value);
    out += std::to_string(it->second);
  }
  void append_json(std::string& out) const {
    out += '[';
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (i) out += ',';
      append_json_string(out, values_[i]);
    }
    out += ']';
  }

 private:
  std::map<std::string, std::size_t, std::less<>> index_;
  std::vector<std::string> values_;
};

using Tables = std::array<ValueTable, std::size(kTables)>;
enum TableIndex : std::size_t { kDir, kKind, kCategory, kIndicator, kOrigin, kCamera };

bool needs_grading(const CaseReport& r, const ItemRecord& item) {
  return !r.graded.count(item.seq) && !decided_by_hash_sets(r.profile, item.category);
}

void append_row(std::string& out, Tables& tables, const CaseReport& r, const ItemRecord& item) {
  const auto text = [&](std::string_view s) {
    out += ',';
    if (s.empty()) out += "null";
    else append_json_string(out, s);
  };
  const auto indexed = [&](TableIndex table, const std::string& value) {
    out += ',';
    tables[table].append_index(out, value);
  };
  const auto flag = [&](bool b) { out += b ? ",1" : ",0"; };
  const auto slash = item.path.rfind('/');
  const std::size_t name_at = slash == std::string::npos ? 0 : slash + 1;
  out += '[';
  tables[kDir].append_index(out, item.path.substr(0, name_at));
  text(std::string_view(item.path).substr(name_at));
  text(item.digests.sha1);
  text(item.digests.sha256);
  indexed(kKind, item.media_type == MediaType::video ? "video" : "still");
  indexed(kCategory, item.category ? item.category->label : "");
  flag(item.category && item.category->probable);
  flag(needs_grading(r, item));
  const Provenance* p = item.provenance ? &*item.provenance : nullptr;
  indexed(kIndicator, p ? to_string(p->indicator) : "");
  indexed(kOrigin, p ? to_string(p->origin) : "");
  indexed(kCamera, p && p->camera_id ? *p->camera_id : "");
  out += ',' + std::to_string(item.source_index);
  flag(item.fs.deleted);
  flag(item_carved(r, item));
  text(item.cluster_size.value_or(0) > 1 ? item.cluster.value_or("") : "");  // a cluster of one is a tile of its own
  out += ',' + std::to_string(item.cluster_size.value_or(0));
  out += "]";
}

// The page's data: a JSON text inside <script type="application/json">, where '<' can only be
// inside a string and is written \u003c, so no name can close the element.
void append_data_safe(std::string& out, std::string_view json) {
  for (const char c : json) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
}

std::string case_header(const CaseReport& r) {
  std::string out;
  JsonObject o(out);
  // Progress in the browser is kept under this key: the same case (references and sources)
  // opened again finds it, from whichever copy of the case directory.
  std::string key = r.details.case_ref + '\n' + r.details.exhibit_ref;
  for (const SourceInfo& s : r.sources) key += '\n' + s.path;
  o.string("key", sha256_base64(key));
  std::string title = "Review";
  if (!r.details.case_ref.empty()) title += " \xe2\x80\x94 case " + r.details.case_ref;
  if (!r.details.exhibit_ref.empty()) title += ", exhibit " + r.details.exhibit_ref;
  o.string("title", title);
  o.close();
  return out;
}

std::string profile_json(const CategoryProfile& p) {
  std::string out;
  JsonObject o(out);
  o.string("name", p.name).string_or_null("not_indecent", p.not_indecent_code);
  std::string& list = o.value("categories");
  list += '[';
  bool first = true;
  for (const CategoryDef& c : p.categories) {
    if (!first) list += ',';
    first = false;
    JsonObject(list).string("code", c.code).string("label", c.label);
  }
  list += ']';
  o.close();
  return out;
}

}  // namespace

void write_review_html(const CaseReport& r, OutputSink& sink) {
  std::string& out = sink.buffer();
  // Nothing but the page's own script and style, and pictures from beside it.
  const std::string policy = "default-src 'none'; script-src 'sha256-" + sha256_base64(kReviewScript) +
                             "'; style-src 'sha256-" + sha256_base64(kReviewStyle) +
                             "'; img-src 'self'; base-uri 'none'; form-action 'none'";
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + policy + "\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n<title>";
  append_html_text(out, "triage review");
  out += "</title>\n<style>";
  out += kReviewStyle;
  out += "</style>\n</head><body>\n";
  out += R"(<header id="top"><h1 id="title"></h1>
<div class="row"><span id="status"></span><span>Grader: <span id="grader"></span></span>
<button id="download" type="button">Download grades.csv</button></div>
<div class="row">
<label><input id="all" type="checkbox"> all items</label>
<label>Category <select id="f-category"><option value="">any</option></select></label>
<label>Indicator <select id="f-indicator"><option value="">any</option></select></label>
<label>Origin <select id="f-origin"><option value="">any</option></select></label>
<label>Camera <select id="f-camera"><option value="">any</option></select></label>
<label>Source <select id="f-source"><option value="">any</option></select></label>
<label>State <select id="f-state"><option value="">any</option><option value="allocated">allocated</option><option value="deleted">deleted</option><option value="carved">carved</option></select></label>
</div>
<div class="row">
<label>Blur <input id="blur" type="range" min="0" max="40" step="1"></label>
<label><input id="grey" type="checkbox"> greyscale</label>
<label><input id="hide-moving" type="checkbox"> hide video previews</label>
<span id="keys"></span>
</div>
</header>
<div id="grid"><div id="spacer"></div></div>
<dialog id="grader-dialog"><form method="dialog">
<p><label>Grader's name (written in grades.csv): <input id="grader-name" type="text" autocomplete="off"></label></p>
<p><button value="ok">OK</button> <button value="cancel">Cancel</button></p>
</form></dialog>
)";
  out += "<script type=\"application/json\" id=\"review-data\">";
  std::string json = "{\"case\":" + case_header(r) + ",\"profile\":" + profile_json(r.profile) + ",\"sources\":[";
  for (std::size_t i = 0; i < r.sources.size(); ++i) {
    if (i) json += ',';
    append_json_string(json, r.sources[i].path);
  }
  json += "],\"columns\":[";
  for (std::size_t i = 0; i < std::size(kColumns); ++i) {
    if (i) json += ',';
    append_json_string(json, kColumns[i]);
  }
  json += "],\"items\":[\n";
  append_data_safe(out, json);
  Tables tables;
  bool first = true;
  r.for_each_item([&](const ItemRecord& item) {
    if (item.media_type == MediaType::other) return;  // still images and videos only
    json.clear();
    if (!first) json += ",\n";
    first = false;
    append_row(json, tables, r, item);
    append_data_safe(out, json);
    sink.flush_if_large();
  });
  json = "],\n\"tables\":{";
  for (std::size_t t = 0; t < tables.size(); ++t) {
    if (t) json += ',';
    append_json_string(json, kTables[t]);
    json += ':';
    tables[t].append_json(json);
  }
  json += '}';
  append_data_safe(out, json);
  out += "}</script>\n<script>";
  out += kReviewScript;
  out += "</script>\n</body></html>\n";
  sink.flush();
}

}  // namespace triage
