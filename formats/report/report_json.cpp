#include "formats/report/report_json.h"

#include <fmt/format.h>

#include "core/text/hex.h"
#include "core/text/utf8.h"
#include "formats/report/item_json.h"
#include "formats/report/origin_section.h"
#include "core/text/json_text.h"

namespace triage {
namespace {

template <typename Fn>
std::string render(Fn&& fn) {
  std::string out;
  fn(out);
  return out;
}

void path_keys(JsonObject& o, std::string_view key, const std::string& path) {
  o.string(key, path);
  if (!is_valid_utf8(path)) o.string(std::string(key) + "_hex", to_hex(path));
}

std::string tally_json(const Tally& t) {
  std::string out;
  JsonObject(out).number("unique", t.unique).number("instances", t.instances);
  return out;
}

std::string kinds_json(const std::array<Tally, 2>& k) {
  std::string out;
  JsonObject(out).raw("still", tally_json(k[kStill])).raw("moving", tally_json(k[kMoving]));
  return out;
}

// A source's whole-media digests, or null when they were not taken (folders, --no-source-hash).
std::string digests_json(const Digests& d) {
  if (d.sha256.empty()) return "null";
  std::string out;  // the re-read after the walk computes SHA-256 alone
  JsonObject(out).string_or_null("md5", d.md5).string_or_null("sha1", d.sha1).string("sha256", d.sha256);
  return out;
}

std::string case_json(const CaseDetails& d) {
  std::string out;
  JsonObject(out)
      .string_or_null("case_ref", d.case_ref)
      .string_or_null("exhibit_ref", d.exhibit_ref)
      .string_or_null("examiner", d.examiner)
      .string_or_null("organisation", d.organisation)
      .string_or_null("time_zone", d.time_zone);
  return out;
}

std::string run_json(const RunSummary& run) {
  std::string out;
  JsonObject o(out);
  o.number("id", run.id)
      .string("started_utc", run.started_utc)
      .string_or_null("ended_utc", run.ended_utc)
      .string("status", run.status)
      .string("command_line", run.command_line)
      .number("jobs", run.jobs)
      .string("options", run.options_json);  // as recorded, a JSON text
  if (run.first_alert_s) o.number("first_alert_s", *run.first_alert_s);
  else o.null("first_alert_s");
  o.close();
  return out;
}

std::string profile_json(const CaseReport& r) {
  std::string out;
  JsonObject o(out);
  o.string("name", r.profile_name)
      .string("title", r.profile.title)
      .string("uncategorised_label", r.profile.uncategorised_label)
      .string("known_good_label", r.profile.known_good_label)
      .string("ignored_label", r.profile.ignored_label);
  o.raw("categories", render([&](std::string& s) {
          JsonArray a(s);
          for (const auto& c : r.profile.categories)
            JsonObject(a.next())
                .string("code", c.code)
                .string("label", c.label)
                .number("severity", static_cast<std::int64_t>(c.severity))
                .string("group", c.group)
                .string("definition", c.definition);
        }));
  o.close();
  return out;
}

std::string summary_json(const CaseReport& r) {
  std::string out;
  JsonObject o(out);
  o.string("counting_rule", kCountingRule)
      .number("items", r.item_count)
      .number("still_images", r.stills)
      .number("videos", r.videos)
      .number("other_files", r.others)
      .number("not_examined", r.error_count);
  o.raw("categories", render([&](std::string& s) {
          JsonArray a(s);
          for (const auto& row : r.categories) {
            JsonObject ro(a.next());
            ro.string("label", row.label)
                .string_or_null("code", row.code)
                .number("severity", static_cast<std::int64_t>(row.severity))
                .boolean("probable", row.probable)
                .boolean("uncategorised", row.uncategorised)
                .boolean("excluded", row.excluded)
                .raw("all_sources", kinds_json(row.all));
            ro.raw("by_source", render([&](std::string& bs) {
                     JsonArray sa(bs);
                     for (const auto& [source, kinds] : row.by_source)
                       JsonObject(sa.next())
                           .number("source_index", static_cast<std::uint64_t>(source))
                           .raw("counts", kinds_json(kinds));
                   }));
          }
        }));
  o.close();
  return out;
}

std::string timeline_json(const Timeline& t) {
  std::string out;
  JsonObject o(out);
  o.string("bin", t.bin)
      .number("exif_dated", t.exif_dated)
      .number("mtime_dated", t.mtime_dated)
      .number("undated", t.undated);
  o.raw("bins", render([&](std::string& s) {
          JsonArray a(s);
          for (const auto& b : t.bins)
            JsonObject(a.next()).string("period", b.period).number("exif", b.exif).number("mtime", b.mtime);
        }));
  o.close();
  return out;
}

// The item's JSON Lines object (man/triage.1, OUTPUT KEYS) with "seq" and "source_index" first.
void append_item(std::string& out, const ItemRecord& item) {
  std::string line;
  append_item_json_line(line, item);
  line.pop_back();  // the newline
  out += fmt::format("{{\"seq\":{},\"source_index\":{},", item.seq, item.source_index);
  out.append(line, 1);
}

}  // namespace

void write_report_json(const CaseReport& r, OutputSink& sink) {
  std::string& out = sink.buffer();
  {
    JsonObject o(out);
    o.string("schema", kReportJsonSchema);
    o.raw("case", case_json(r.details));
    o.raw("tool", render([&](std::string& s) {
            JsonObject tool(s);
            tool.string("name", "triage").string("version", r.run.tool_version).string("git_commit", r.run.git_commit);
            tool.raw("libraries", render([&](std::string& list) {
                       JsonArray a(list);
                       for (const auto& l : r.run.libraries)
                         JsonObject(a.next()).string("name", l.name).string("version", l.version);
                     }));
          }));
    o.raw("run", run_json(r.run));
    o.raw("sources", render([&](std::string& s) {
            JsonArray a(s);
            for (const auto& src : r.sources) {
              JsonObject so(a.next());
              so.number("index", static_cast<std::uint64_t>(src.index));
              path_keys(so, "path", src.path);
              so.string("kind", to_string(src.kind))
                  .string_or_null("image_format", src.image_format)
                  .optional("media_size", src.media_size)
                  .raw("digests_before", digests_json(src.media))
                  .string_or_null("digests_before_read", src.media_read)
                  .raw("digests_after", digests_json(src.verified))
                  .string_or_null("stored_md5", src.stored_md5.value_or(""))
                  .string("integrity", to_string(src.integrity))
                  .string_or_null("integrity_note", src.integrity_note);
            }
          }));
    o.raw("hash_sets", render([&](std::string& s) {
            JsonArray a(s);
            for (const auto& h : r.hash_sets)
              JsonObject(a.next())
                  .string("name", h.name)
                  .string("role", to_string(h.role))
                  .string("format", h.format)
                  .string_or_null("version", h.version)
                  .string("source_file", h.source_file)
                  .string("source_sha256", h.source_sha256)
                  .number("record_count", h.record_count)
                  .string("imported_utc", h.imported_utc);
          }));
    o.raw("profile", profile_json(r));
    o.raw("thresholds", render([&](std::string& s) {
            JsonObject(s)
                .boolean("pdq", r.thresholds.pdq)
                .number("pdq_max_distance", static_cast<std::int64_t>(r.thresholds.pdq_max_distance))
                .number("pdq_min_quality", static_cast<std::int64_t>(r.thresholds.pdq_min_quality))
                .boolean("all_files", r.thresholds.all_files);
          }));
    o.raw("summary", summary_json(r));
    o.raw("timeline", timeline_json(r.timeline));
    o.raw("provenance", origin_json(r));
    {
      JsonArray a(o.value("findings"));
      for (const std::uint64_t seq : r.findings) {
        a.next() += fmt::format("{}", seq);
        sink.flush_if_large();
      }
    }
    {
      JsonArray a(o.value("items"));
      r.for_each_item([&](const ItemRecord& item) {
        append_item(a.next(), item);
        sink.flush_if_large();
      });
    }
    {
      JsonArray a(o.value("errors"));
      r.for_each_error([&](const WalkProblem& e) {
        JsonObject eo(a.next());
        eo.number("seq", e.seq).number("source_index", static_cast<std::uint64_t>(e.source_index));
        path_keys(eo, "path", e.path);
        eo.string("stage", e.kind).string("message", e.message).boolean("is_error", e.is_error);
        eo.close();
        sink.flush_if_large();
      });
    }
    o.raw("grades", render([&](std::string& s) {
            JsonArray a(s);
            for (const auto& g : r.grades) {
              JsonObject go(a.next());
              go.number("id", g.grade.id)
                  .string("hash_type", to_string(g.grade.hash_type))
                  .string("hash", g.grade.hash)
                  .string("code", g.grade.code)
                  .string("label", g.label)
                  .string("grader", g.grade.grader)
                  .string_or_null("note", g.grade.note)
                  .string("graded_utc", g.grade.graded_utc)
                  .string("source_file", g.grade.source_file)
                  .number("source_line", g.grade.source_line)
                  .boolean("superseded", g.superseded);
              go.raw("items", render([&](std::string& is) {
                       JsonArray ia(is);
                       for (const auto& io : g.items)
                         JsonObject(ia.next())
                             .number("seq", io.seq)
                             .string("outcome", io.outcome)
                             .string_or_null("database_category", io.database_category);
                     }));
            }
          }));
  }
  out += '\n';
  sink.flush();
}

std::string render_report_json(const CaseReport& r) {
  return render_to_string([&](OutputSink& sink) { write_report_json(r, sink); });
}

}  // namespace triage
