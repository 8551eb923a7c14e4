#include "formats/report/lab_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/text/json_text.h"
#include "formats/report/html_text.h"

namespace triage {
namespace {

void case_keys(JsonObject& o, const LabCase& c) {
  o.string("case_uid", c.uid)
      .string_or_null("case_ref", c.case_ref)
      .string_or_null("exhibit_ref", c.exhibit_ref)
      .string_or_null("examiner", c.examiner)
      .string("case_dir", c.case_dir);
}

void item_keys(JsonObject& o, const LabItem& i) {
  o.number("seq", i.seq)
      .string("path", i.path)
      .number("size", i.size)
      .string("media_type", i.media_type)
      .string_or_null("md5", i.md5)
      .string_or_null("sha1", i.sha1)
      .string_or_null("sha256", i.sha256)
      .string_or_null("pdq", i.pdq)
      .string_or_null("category", i.category)
      .string_or_null("basis", i.basis)
      .string_or_null("camera_id", i.camera_id)
      .string_or_null("indicator", i.indicator);
}

std::string case_name(const LabCase& c) {
  if (!c.case_ref.empty() || !c.exhibit_ref.empty()) return c.case_ref + " / " + c.exhibit_ref;
  return c.case_dir;
}

}  // namespace

std::string lab_hit_json(const LabHit& hit) {
  std::string out;
  JsonObject o(out);
  case_keys(o, hit.lab_case);
  item_keys(o, hit.item);
  o.optional("distance", hit.distance).optional("frame", hit.frame);
  o.close();
  return out;
}

std::string lab_hits_table(const std::vector<LabHit>& hits) {
  std::string out = fmt::format("{:<16} {:<12} {:>8} {:>4}  {}\n", "case", "exhibit", "seq", "dist", "path");
  for (const auto& h : hits)
    out += fmt::format("{:<16} {:<12} {:>8} {:>4}  {}\n", h.lab_case.case_ref.empty() ? "-" : h.lab_case.case_ref,
                       h.lab_case.exhibit_ref.empty() ? "-" : h.lab_case.exhibit_ref, h.item.seq,
                       h.distance ? std::to_string(*h.distance) : "-", h.item.path);
  out += fmt::format("{} item(s) in {} case(s)\n", hits.size(), [&] {
    std::vector<std::string> uids;
    for (const auto& h : hits)
      if (std::find(uids.begin(), uids.end(), h.lab_case.uid) == uids.end()) uids.push_back(h.lab_case.uid);
    return uids.size();
  }());
  return out;
}

std::string lab_links_json(const std::vector<LabCase>& cases, const std::vector<LabLink>& links) {
  std::string out;
  JsonObject o(out);
  o.string("format", "triage-lab-links/1");
  o.raw("cases", [&] {
    std::string s;
    {
      JsonArray a(s);
      for (const auto& c : cases) {
        JsonObject co(a.next());
        case_keys(co, c);
        co.string("added_utc", c.added_utc).number("items", c.items);
      }
    }
    return s;
  }());
  o.raw("links", [&] {
    std::string s;
    {
      JsonArray a(s);
      for (const auto& l : links) {
        JsonObject lo(a.next());
        lo.string("kind", l.kind).string("key", l.key).number("cases", static_cast<std::uint64_t>(l.cases));
        lo.number("items", static_cast<std::uint64_t>(l.members.size()));
        std::string m;
        {
          JsonArray ma(m);
          for (const auto& h : l.members) {
            JsonObject mo(ma.next());
            case_keys(mo, h.lab_case);
            item_keys(mo, h.item);
          }
        }
        lo.raw("members", m);
      }
    }
    return s;
  }());
  o.close();
  out += '\n';
  return out;
}

std::string lab_links_html(const std::vector<LabCase>& cases, const std::vector<LabLink>& links) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<title>triage lab links</title>\n<style>body{font:13px sans-serif;margin:1.5em}table{border-collapse:collapse;"
      "margin:.4em 0 1.2em}td,th{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}"
      ".mono{font-family:monospace}h2{margin-top:1.4em}.ctl{color:#a00}</style>\n</head><body>\n"
      "<h1>Links across cases</h1>\n";
  h += fmt::format("<p>{} case(s) in the lab; {} link(s): the same content (exact copies, or near-duplicates by PDQ "
                   "hash) or the same camera id in more than one case, the most widespread first. A PDQ link and a "
                   "camera id are leads to confirm by eye, not findings.</p>\n",
                   cases.size(), links.size());
  h += "<h2>Cases</h2>\n<table><tr><th>Case</th><th>Exhibit</th><th>Examiner</th><th>Items</th><th>Folder</th></tr>\n";
  for (const auto& c : cases)
    h += "<tr><td>" + html_text(c.case_ref) + "</td><td>" + html_text(c.exhibit_ref) + "</td><td>" +
         html_text(c.examiner) + "</td><td>" + std::to_string(c.items) + "</td><td>" + html_text(c.case_dir) +
         "</td></tr>\n";
  h += "</table>\n";
  for (std::size_t k = 0; k < links.size(); ++k) {
    const LabLink& l = links[k];
    const char* what = l.kind == "content" ? "Same content (SHA-1)" : l.kind == "near_duplicate" ? "Near-duplicates (PDQ)"
                                                                                                  : "Same camera id";
    h += fmt::format("<h2>{}. {}: {} cases, {} items</h2>\n<p class=\"mono\">", k + 1, what, l.cases, l.members.size());
    h += html_text(l.key) + "</p>\n<table><tr><th>Case / exhibit</th><th>Seq</th><th>Path</th><th>Category</th>"
                            "<th>SHA-1</th></tr>\n";
    for (const auto& m : l.members)
      h += "<tr><td>" + html_text(case_name(m.lab_case)) + "</td><td>" + std::to_string(m.item.seq) +
           "</td><td class=\"mono\">" + html_text(m.item.path) + "</td><td>" + html_text(m.item.category) +
           "</td><td class=\"mono\">" + html_text(m.item.sha1) + "</td></tr>\n";
    h += "</table>\n";
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace triage
