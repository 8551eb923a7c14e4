// triage hashset import FILE... --into HASHSET.db | info HASHSET.db | lookup HASHSET.db HASH...
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <map>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "formats/hashset/hashset_store.h"
#include "core/text/json_text.h"

namespace triage::cli {
namespace fs = std::filesystem;
namespace {

struct HashsetImportOptions {
  std::vector<std::string> files;
  std::string into;
  std::string name;
  std::string role = "alert";
  std::string format = "auto";
  bool replace = false;
  bool strict = false;
  bool check = false;
};

struct HashsetInfoOptions {
  std::string store;
  std::string format = "text";
};

struct HashsetLookupOptions {
  std::string store;
  std::vector<std::string> hashes;
};

std::string set_json(const HashSetInfo& s) {
  std::string line;
  JsonObject o(line);
  o.number("id", s.id)
      .string("name", s.name)
      .string("role", to_string(s.role))
      .string("format", s.format)
      .string_or_null("version", s.version)
      .string("source_file", s.source_file)
      .string("source_sha256", s.source_sha256)
      .string("imported_utc", s.imported_utc)
      .string("tool_version", s.tool_version)
      .number("record_count", s.record_count)
      .number("rejected_records", s.rejected_records);
  o.close();
  return line;
}

// --check: read and check every file as an import would; nothing is written.
int run_check(const HashsetImportOptions& o, const ImportOptions& options, Io& io) {
  std::uint64_t rejected = 0;
  for (const auto& f : o.files) {
    ImportReport r;
    try {
      r = check_hash_set_file(f, options);
    } catch (const ImportError& e) {
      fmt::print(io.err, "triage: {}\n", e.what());
      return kExitSourceUnreadable;
    }
    const auto& s = r.set;
    rejected += s.rejected_records;
    fmt::print(io.out, "checked: '{}' ({}{}, {} records, {} rejected) in {}, nothing written\n", s.name, s.format,
               s.version.empty() ? "" : ", " + s.version, s.record_count, s.rejected_records, f);
    for (const auto& example : r.rejection_examples) fmt::print(io.err, "triage: {}: rejected: {}\n", f, example);
  }
  return rejected > 0 ? kExitItemErrors : kExitClean;
}

int run_import(const HashsetImportOptions& o, Io& io) {
  for (const auto& f : o.files) {
    std::error_code ec;
    if (!fs::is_regular_file(f, ec)) {
      fmt::print(io.err, "triage: cannot read hash set '{}': {}\n", f,
                 fs::exists(f, ec) ? "not a regular file" : "no such file");
      return kExitSourceUnreadable;
    }
  }
  ImportOptions options;
  options.name = o.name;
  options.role = parse_hash_set_role(o.role).value_or(HashSetRole::alert);
  options.format = o.format;
  options.replace = o.replace;
  options.strict = o.strict;
  options.stop = StopToken(io.interrupted);

  if (o.check) return run_check(o, options, io);
  if (o.into.empty()) {
    fmt::print(io.err, "triage: hashset import needs --into HASHSET.db (or --check)\n");
    return kExitUsage;
  }
  const fs::path into = o.into;
  std::error_code ec;
  const bool existed = fs::exists(into, ec);
  std::unique_ptr<HashSetStore> store;
  try {
    store = HashSetStore::open_or_create(into);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: cannot open hash-set store '{}': {}\n", o.into, e.what());
    return kExitCaseUnwritable;
  }
  // A store this command created is removed again when nothing could be imported.
  const auto discard_new_store = [&] {
    store.reset();
    if (!existed) fs::remove(into, ec);
  };
  std::vector<ImportReport> reports;
  try {
    reports = store->import_files({o.files.begin(), o.files.end()}, options);
  } catch (const ImportError& e) {
    discard_new_store();
    fmt::print(io.err, "triage: {}\n", e.what());
    fmt::print(io.err, "triage: nothing imported; '{}' is unchanged\n", o.into);
    return kExitSourceUnreadable;
  } catch (const Interrupted&) {
    discard_new_store();
    fmt::print(io.err, "triage: interrupted: nothing imported; '{}' is unchanged\n", o.into);
    return kExitInterrupted;
  } catch (const std::exception& e) {
    discard_new_store();
    fmt::print(io.err, "triage: hash-set store '{}' not written: {}\n", o.into, e.what());
    return kExitCaseUnwritable;
  }
  if (options.stop.requested())  // it came while the import was being committed: too late to undo
    fmt::print(io.err, "triage: stop requested while the import was being committed: the import completed\n");
  std::uint64_t rejected = 0;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const auto& r = reports[i];
    const auto& s = r.set;
    if (r.already_imported) {
      fmt::print(io.out, "already imported: '{}' ({}, {} records) from {} (SHA-256 {}), nothing written\n", s.name,
                 s.format, s.record_count, o.files[i], s.source_sha256);
      continue;
    }
    rejected += s.rejected_records;
    fmt::print(io.out, "imported: '{}' as {} ({}{}, {} records, {} rejected) from {} (SHA-256 {})\n", s.name, to_string(s.role),
               s.format, s.version.empty() ? "" : ", " + s.version, s.record_count, s.rejected_records, o.files[i],
               s.source_sha256);
    if (r.replaced_sets > 0) fmt::print(io.out, "replaced: {} earlier set(s) named '{}'\n", r.replaced_sets, s.name);
    for (const auto& example : r.rejection_examples) fmt::print(io.err, "triage: {}: rejected: {}\n", o.files[i], example);
    if (s.rejected_records > r.rejection_examples.size())
      fmt::print(io.err, "triage: {}: {} more rejected records not shown\n", o.files[i],
                 s.rejected_records - r.rejection_examples.size());
  }
  return rejected > 0 ? kExitItemErrors : kExitClean;
}

std::unique_ptr<HashSetStore> open_store(const std::string& file, Io& io) {
  try {
    return HashSetStore::open_read_only(file);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: cannot read hash-set store '{}': {}\n", file, e.what());
    return nullptr;
  }
}

// `hashset info` of a raw export rather than a store: what an import would make of it (format,
// version, records, rejections, records per category code), nothing written.
int run_info_of_export(const HashsetInfoOptions& o, Io& io) {
  ImportReport r;
  try {
    r = check_hash_set_file(o.store, ImportOptions{});
  } catch (const ImportError& e) {
    fmt::print(io.err, "triage: '{}' is neither a hash-set store nor an export triage reads: {}\n", o.store, e.what());
    return kExitSourceUnreadable;
  }
  const auto& s = r.set;
  if (o.format == "jsonl") {
    std::string line;
    JsonObject j(line);
    j.string("file", o.store)
        .string("kind", "export")
        .string("format", s.format)
        .string_or_null("version", s.version)
        .string("name", s.name)
        .number("record_count", s.record_count)
        .number("rejected_records", s.rejected_records);
    std::string categories;
    {
      JsonObject c(categories);
      for (const auto& [code, count] : r.categories) c.number(code, count);
    }
    j.raw("categories", categories);
    j.close();
    fmt::print(io.out, "{}\n", line);
    return kExitClean;
  }
  fmt::print(io.out, "export {} (not a store: nothing is imported; 'hashset import' stores it)\n", o.store);
  fmt::print(io.out, "  format:        {}\n", s.format);
  if (!s.version.empty()) fmt::print(io.out, "  version:       {}\n", s.version);
  fmt::print(io.out, "  name:          {}\n", s.name);
  fmt::print(io.out, "  records:       {} ({} would be rejected)\n", s.record_count, s.rejected_records);
  for (const auto& [code, count] : r.categories)
    fmt::print(io.out, "  category {:<5} {} records\n", code.empty() ? "none" : code, count);
  for (const auto& example : r.rejection_examples) fmt::print(io.err, "triage: {}: rejected: {}\n", o.store, example);
  return kExitClean;
}

int run_info(const HashsetInfoOptions& o, Io& io) {
  if (!HashSetStore::is_hashset_store(o.store)) return run_info_of_export(o, io);
  auto store = open_store(o.store, io);
  if (!store) return kExitSourceUnreadable;
  const auto sets = store->sets();
  if (o.format == "jsonl") {
    for (const auto& s : sets) fmt::print(io.out, "{}\n", set_json(s));
    return kExitClean;
  }
  std::uint64_t total = 0;
  for (const auto& s : sets) {
    total += s.record_count;
    fmt::print(io.out, "set {}: {}\n", s.id, s.name);
    fmt::print(io.out, "  role:          {}\n", to_string(s.role));
    fmt::print(io.out, "  format:        {}\n", s.format);
    if (!s.version.empty()) fmt::print(io.out, "  version:       {}\n", s.version);
    fmt::print(io.out, "  records:       {} ({} rejected at import)\n", s.record_count, s.rejected_records);
    fmt::print(io.out, "  source:        {}\n", s.source_file);
    fmt::print(io.out, "  source SHA-256 {}\n", s.source_sha256);
    fmt::print(io.out, "  imported:      {} by triage {}\n", s.imported_utc, s.tool_version);
  }
  fmt::print(io.out, "{} set(s), {} records\n", sets.size(), total);
  return kExitClean;
}

int run_lookup(const HashsetLookupOptions& o, Io& io) {
  auto store = open_store(o.store, io);
  if (!store) return kExitSourceUnreadable;
  std::map<std::int64_t, HashSetInfo> sets;
  for (auto& s : store->sets()) sets.emplace(s.id, std::move(s));
  bool bad = false;
  for (const auto& given : o.hashes) {
    std::string hex;
    for (char c : given) hex += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    std::string line;
    JsonObject obj(line);
    obj.string("hash", hex);
    const bool hex_ok = (hex.size() == 32 || hex.size() == 40 || hex.size() == 64) &&
                        hex.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex_ok) {
      bad = true;
      obj.string("error", "not a hash of 32 (MD5), 40 (SHA-1) or 64 (SHA-256 or PDQ) hex digits");
      obj.close();
      fmt::print(io.out, "{}\n", line);
      continue;
    }
    obj.string("type", hex.size() == 32 ? "md5" : hex.size() == 40 ? "sha1" : "sha256/pdq");
    std::string matches = "[";
    for (const auto& [r, d] : store->lookup_detailed(hex)) {
      if (matches.size() > 1) matches += ',';
      const auto it = sets.find(r.set_id);
      JsonObject m(matches);
      m.string("set", it != sets.end() ? it->second.name : "")
          .string("role", it != sets.end() ? to_string(it->second.role) : "")
          .string("basis", hex.size() == 64 ? (r.sha256 == hex ? "sha256" : "pdq")
                                            : (hex.size() == 32 ? "md5" : "sha1"))
          .string_or_null("media_id", r.media_id)
          .string_or_null("category", r.category)
          .string_or_null("series", r.series)
          .string_or_null("md5", r.md5)
          .string_or_null("sha1", r.sha1)
          .string_or_null("sha256", r.sha256)
          .string_or_null("pdq", r.pdq)
          .string_or_null("file_name", d.file_name)
          .string_or_null("product", d.product);
      if (d.size) m.number("size", *d.size);
      if (!d.tags.empty()) m.string("tags", d.tags);
      if (d.victim_identified) m.boolean("victim_identified", *d.victim_identified);
      if (d.offender_identified) m.boolean("offender_identified", *d.offender_identified);
      if (d.is_distributed) m.boolean("is_distributed", *d.is_distributed);
      if (d.is_precategorized) m.boolean("is_precategorized", *d.is_precategorized);
    }
    matches += ']';
    obj.raw("matches", matches);
    obj.close();
    fmt::print(io.out, "{}\n", line);
  }
  return bad ? kExitItemErrors : kExitClean;
}

}  // namespace

void setup_hashset(CLI::App& app, Io& io, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("hashset", "Import hash sets into a store, describe it, look hashes up");
  cmd->require_subcommand(1);

  auto imp = std::make_shared<HashsetImportOptions>();
  CLI::App* import = cmd->add_subcommand("import", "Import hash-set exports (VICS, NSRL, ICSE, md5sum, ...) into HASHSET.db");
  import->add_option("FILE", imp->files, "Hash-set files to import (all in one transaction)")->required();
  import->add_option("--into", imp->into, "The hash-set store to create or add to (required unless --check)");
  import->add_option("--name", imp->name, "Set name (default: the set's own name, else the file name without extension)");
  import->add_option("--role", imp->role, "alert (matches are findings), known (known files) or ignore")
      ->check(CLI::IsMember({"alert", "known", "ignore"}))
      ->capture_default_str();
  import->add_option("--format", imp->format, "Input format (default: detected from the content)")
      ->check(CLI::IsMember(hash_set_formats()))
      ->capture_default_str();
  import->add_flag("--replace", imp->replace, "Drop the sets already stored under the same name first");
  import->add_flag("--strict", imp->strict, "Abort the import (nothing written) if any record is rejected");
  import->add_flag("--check", imp->check, "Only read and check the files (counts, rejections); write nothing");
  import->callback([imp, &io, &exit_code] { exit_code = run_import(*imp, io); });

  auto info_opts = std::make_shared<HashsetInfoOptions>();
  CLI::App* info = cmd->add_subcommand("info", "The sets in a store, with provenance and record counts");
  info->add_option("HASHSET", info_opts->store, "The hash-set store")->required();
  info->add_option("--format", info_opts->format, "text or jsonl (one object per set)")
      ->check(CLI::IsMember({"text", "jsonl"}))
      ->capture_default_str();
  info->callback([info_opts, &io, &exit_code] { exit_code = run_info(*info_opts, io); });

  auto look = std::make_shared<HashsetLookupOptions>();
  CLI::App* lookup = cmd->add_subcommand("lookup", "Look hashes up (JSON Lines: one line per hash with its matches)");
  lookup->add_option("HASHSET", look->store, "The hash-set store")->required();
  lookup->add_option("HASH", look->hashes, "MD5, SHA-1, SHA-256 or PDQ hashes in hex")->required();
  lookup->callback([look, &io, &exit_code] { exit_code = run_lookup(*look, io); });
}

}  // namespace triage::cli
