#include "formats/report/origin_section.h"

#include <fmt/format.h>

#include "core/provenance/origin.h"
#include "core/text/json_text.h"

namespace triage {
namespace {

constexpr OriginIndicator kIndicatorOrder[kOriginIndicators] = {
    OriginIndicator::captured_on_device_front_camera, OriginIndicator::captured_on_device,
    OriginIndicator::captured_on_other_device, OriginIndicator::received, OriginIndicator::unknown};

constexpr const char* kIndicatorHeadings[kOriginIndicators] = {
    "Captured on this device, front camera", "Captured on this device", "Captured on another device", "Received",
    "Unknown"};

constexpr std::size_t kLocationsShown = 12;

std::string label_of(const std::string& label, bool probable) { return probable ? label + " (probable)" : label; }

std::string own_text(const std::optional<bool>& own) {
  if (!own) return "not known";
  return *own ? "this device's own" : "another device";
}

void indicator_table(Html& h, const CaseReport& r) {
  h.raw("<table class=\"counts\">\n<thead><tr><th>Category</th>");
  for (const char* heading : kIndicatorHeadings) h.raw("<th class=\"n\">").text(heading).raw("</th>");
  h.raw("</tr></thead>\n<tbody>\n");
  for (const CategoryRow& row : r.categories) {
    std::uint64_t total = 0;
    for (const auto n : row.indicators) total += n;
    if (total == 0) continue;
    h.raw("<tr><td>").text(label_of(row.label, row.probable)).raw("</td>");
    for (const auto n : row.indicators) h.raw("<td class=\"n\">").raw(fmt::format("{}", n)).raw("</td>");
    h.raw("</tr>\n");
  }
  h.raw("</tbody></table>\n");
}

void cameras_table(Html& h, const CaseReport& r) {
  if (r.cameras.empty()) {
    h.raw("<p>No still image or video of the case names its camera in EXIF (Make, Model).</p>\n");
    return;
  }
  h.raw("<h3>Device cameras</h3>\n<table class=\"cameras\">\n<thead><tr><th>Camera (make|model|serial)</th>"
        "<th>Own or other</th><th>Items per category</th><th>First capture (EXIF)</th><th>Last capture (EXIF)</th>"
        "<th>Found in</th></tr></thead>\n<tbody>\n");
  for (const DeviceCamera& c : r.cameras) {
    h.raw("<tr><td>").text(c.camera_id).raw("</td><td>").text(own_text(c.own)).raw("</td><td>");
    bool first = true;
    for (const CategoryRow& row : r.categories) {  // in the summary's order
      const auto it = c.items.find({row.label, row.probable});
      if (it == c.items.end()) continue;
      if (!first) h.raw("<br>");
      first = false;
      h.text(label_of(row.label, row.probable)).raw(": ").raw(fmt::format("{}", it->second));
    }
    h.raw("</td><td>").or_not_recorded(c.first_capture).raw("</td><td>").or_not_recorded(c.last_capture);
    h.raw("</td><td>");
    std::size_t shown = 0;
    for (const std::string& folder : c.locations) {
      if (shown == kLocationsShown) break;
      if (shown++ > 0) h.raw("<br>");
      h.path(folder);
    }
    if (c.locations.size() > kLocationsShown)
      h.raw("<br><em>").raw(fmt::format("and {} more folders (report.json lists every one)",
                                        c.locations.size() - kLocationsShown)).raw("</em>");
    h.raw("</td></tr>\n");
  }
  h.raw("</tbody></table>\n");
}

}  // namespace

void write_origin_section(Html& h, const CaseReport& r) {
  h.raw("<section id=\"origin\">\n<h2>4. Origin of the imagery (first person produced imagery indicators)</h2>\n");
  h.raw("<p class=\"caution\"><strong>Caution.</strong> ").text(kOriginCaution).raw("</p>\n");
  if (r.with_provenance == 0) {
    h.raw("<p>No still image or video of this case carries provenance indicators (a case scanned before "
          "triage assessed them, or one holding no pictures).</p>\n</section>\n");
    return;
  }
  h.raw("<p>").raw(fmt::format("{}", r.with_provenance)).raw(
      " still images and videos carry indicators. Each comes from the item's location (an origin rule: camera "
      "roll, messaging app, browser cache, download...), its EXIF camera and lens, and the exhibit's own cameras "
      "(named by the examiner, else the cameras that dominate its camera roll); the reasons are listed per item "
      "in report.json and items.csv (signals).</p>\n");
  h.raw("<h3>Instances per category and indicator</h3>\n");
  indicator_table(h, r);
  cameras_table(h, r);
  h.raw("</section>\n");
}

std::string origin_json(const CaseReport& r) {
  std::string out;
  JsonObject o(out);
  o.string("caution", kOriginCaution).number("items", r.with_provenance);
  std::string rows = "[";
  for (const CategoryRow& row : r.categories) {
    std::uint64_t total = 0;
    for (const auto n : row.indicators) total += n;
    if (total == 0) continue;
    if (rows.size() > 1) rows += ',';
    JsonObject ro(rows);
    ro.string("category", row.label).boolean("probable", row.probable);
    std::string counts;
    {
      JsonObject co(counts);
      for (std::size_t i = 0; i < kOriginIndicators; ++i) co.number(to_string(kIndicatorOrder[i]), row.indicators[i]);
    }
    ro.raw("indicators", counts);
  }
  rows += ']';
  o.raw("by_category", rows);
  std::string cameras = "[";
  for (const DeviceCamera& c : r.cameras) {
    if (cameras.size() > 1) cameras += ',';
    JsonObject co(cameras);
    co.string("camera_id", c.camera_id);
    if (c.own) {
      co.boolean("own", *c.own);
    } else {
      co.null("own");
    }
    std::string items = "[";
    for (const CategoryRow& row : r.categories) {
      const auto it = c.items.find({row.label, row.probable});
      if (it == c.items.end()) continue;
      if (items.size() > 1) items += ',';
      JsonObject io(items);
      io.string("category", row.label).boolean("probable", row.probable).number("instances", it->second);
    }
    items += ']';
    co.raw("items", items).string_or_null("first_capture", c.first_capture).string_or_null("last_capture", c.last_capture);
    std::string locations = "[";
    for (const std::string& folder : c.locations) {
      if (locations.size() > 1) locations += ',';
      append_json_string(locations, folder);
    }
    locations += ']';
    co.raw("locations", locations);
  }
  cameras += ']';
  o.raw("cameras", cameras);
  o.close();
  return out;
}

}  // namespace triage
