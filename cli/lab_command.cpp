// triage lab add CASE_DIR... --db LAB | search --db LAB (--md5|--sha1|--sha256|--pdq HEX|--camera-id ID)
// | links --db LAB: the lab index across cases (app/lab_job.h).
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cctype>
#include <filesystem>
#include <fstream>

#include "app/lab_job.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "formats/labdb/lab_store.h"
#include "formats/labdb/pg_lab_store.h"
#include "formats/report/lab_report.h"

namespace triage::cli {
namespace {

struct LabOptions {
  std::string db;
  std::vector<std::string> case_dirs;  // add
  std::string md5, sha1, sha256, pdq, camera_id;  // search: one of them
  int distance = 31;
  int min_quality = 50;
  std::string format;  // search: table|jsonl; links: json|html
  std::string out;     // links: the file to write (default stdout)
};

// The lab database LAB names: a PostgreSQL database for a postgresql:// or postgres:// URL, else
// a SQLite file; nullptr (and a message, never a password) when it cannot be used.
std::unique_ptr<LabIndex> open_lab(const std::string& db, bool create, Io& io) {
  const bool postgres = pg::is_url(db);
  try {
    if (postgres) return PgLabStore::open(db, create);
    return SqliteLabStore::open(db, create);
  } catch (const std::exception& e) {
    const std::string shown = postgres ? pg::redacted_url(db) : db;
    if (postgres && std::string_view(e.what()).find(shown) != std::string_view::npos)
      fmt::print(io.err, "triage: lab database {}\n", e.what());  // the store's message names it already
    else
      fmt::print(io.err, "triage: lab database {}: {}\n", shown, e.what());
    return nullptr;
  }
}

bool is_hex(const std::string& s, std::size_t length) {
  return s.size() == length && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int run_add(const LabOptions& o, Io& io) {
  auto lab = open_lab(o.db, true, io);
  if (!lab) return kExitCaseUnwritable;
  int exit_code = kExitClean;
  for (const auto& dir : o.case_dirs) {
    try {
      const LabAdded added = add_case_to_lab(*lab, dir);
      fmt::print(io.out, "{}: {} items, {} video frame hashes {} the lab (case {})\n", dir, added.items, added.frames,
                 added.replaced ? "replaced in" : "added to", added.uid.substr(0, 16));
    } catch (const LabCaseError& e) {
      fmt::print(io.err, "triage: {}\n", e.what());
      exit_code = kExitSourceUnreadable;
    }
  }
  return exit_code;
}

int run_search(const LabOptions& o, Io& io) {
  const int given = !o.md5.empty() + !o.sha1.empty() + !o.sha256.empty() + !o.pdq.empty() + !o.camera_id.empty();
  if (given != 1) {
    fmt::print(io.err, "triage: lab search: give exactly one of --md5, --sha1, --sha256, --pdq, --camera-id\n");
    return kExitUsage;
  }
  for (const auto& [value, length, name] : {std::tuple{o.md5, 32u, "--md5"}, {o.sha1, 40u, "--sha1"},
                                            {o.sha256, 64u, "--sha256"}, {o.pdq, 64u, "--pdq"}})
    if (!value.empty() && !is_hex(value, length)) {
      fmt::print(io.err, "triage: lab search: {} takes {} hex digits\n", name, length);
      return kExitUsage;
    }
  auto lab = open_lab(o.db, false, io);
  if (!lab) return kExitSourceUnreadable;
  std::vector<LabHit> hits;
  if (!o.md5.empty()) hits = lab->find_digest(HashType::md5, lower(o.md5));
  if (!o.sha1.empty()) hits = lab->find_digest(HashType::sha1, lower(o.sha1));
  if (!o.sha256.empty()) hits = lab->find_digest(HashType::sha256, lower(o.sha256));
  if (!o.camera_id.empty()) hits = lab->find_camera(o.camera_id);
  if (!o.pdq.empty()) hits = LabPdqSearch(*lab, o.min_quality).search(*match::from_hex(lower(o.pdq)), o.distance);
  if (o.format == "jsonl") {
    for (const auto& h : hits) fmt::print(io.out, "{}\n", lab_hit_json(h));
  } else {
    fmt::print(io.out, "{}", lab_hits_table(hits));
  }
  return kExitClean;
}

int run_links(const LabOptions& o, Io& io) {
  auto lab = open_lab(o.db, false, io);
  if (!lab) return kExitSourceUnreadable;
  const auto cases = lab->cases();
  const auto links = lab_links(*lab, o.distance, o.min_quality);
  const std::string text = o.format == "html" ? lab_links_html(cases, links) : lab_links_json(cases, links);
  if (o.out.empty()) {
    io.out << text;
    return kExitClean;
  }
  std::ofstream file(o.out, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    fmt::print(io.err, "triage: cannot write {}\n", o.out);
    return kExitCaseUnwritable;
  }
  fmt::print(io.err, "triage: {} link(s) across {} case(s) written to {}\n", links.size(), cases.size(), o.out);
  return kExitClean;
}

}  // namespace

void setup_lab(CLI::App& app, Io& io, int& exit_code) {
  auto o = std::make_shared<LabOptions>();
  CLI::App* lab = app.add_subcommand("lab", "The lab index: cases loaded into one database, searched and linked");
  lab->require_subcommand(1);
  auto db_option = [&](CLI::App* cmd) {
    cmd->add_option("--db", o->db, "The lab database: a SQLite file, or a PostgreSQL URL postgresql://... (created by lab add when missing)")->required();
  };
  CLI::App* add = lab->add_subcommand("add", "Load finished case directories into the lab (a case added again is replaced)");
  add->add_option("CASE_DIR", o->case_dirs, "Case directories made by triage scan")->required();
  db_option(add);
  add->callback([o, &io, &exit_code] { exit_code = run_add(*o, io); });

  CLI::App* search = lab->add_subcommand("search", "Every case and exhibit holding a digest, a PDQ hash or a camera id");
  db_option(search);
  search->add_option("--md5", o->md5, "MD5 (32 hex digits)");
  search->add_option("--sha1", o->sha1, "SHA-1 (40 hex digits)");
  search->add_option("--sha256", o->sha256, "SHA-256 (64 hex digits)");
  search->add_option("--pdq", o->pdq, "PDQ hash (64 hex digits): still images and video frames within --distance");
  search->add_option("--camera-id", o->camera_id, "A provenance camera id (Make|Model|Serial)");
  search->add_option("--distance", o->distance, "PDQ: Hamming distance at most this")->check(CLI::Range(0, 256))->capture_default_str();
  search->add_option("--pdq-quality", o->min_quality, "PDQ: hashes of lower quality are not searched")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  search->add_option("--format", o->format, "table or jsonl")->check(CLI::IsMember({"table", "jsonl"}))->default_val("table");
  search->callback([o, &io, &exit_code] { exit_code = run_search(*o, io); });

  CLI::App* links = lab->add_subcommand(
      "links", "Content (exact or PDQ near-duplicate) in more than one case, camera ids seen in more than one case");
  db_option(links);
  links->add_option("--distance", o->distance, "PDQ: near-duplicates within this many bits")->check(CLI::Range(0, 256))->capture_default_str();
  links->add_option("--pdq-quality", o->min_quality, "PDQ: hashes of lower quality join by exact copy only")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  links->add_option("--format", o->format, "json or html")->check(CLI::IsMember({"json", "html"}))->default_val("json");
  links->add_option("--out", o->out, "Write to this file instead of stdout");
  links->callback([o, &io, &exit_code] { exit_code = run_links(*o, io); });
}

}  // namespace triage::cli
