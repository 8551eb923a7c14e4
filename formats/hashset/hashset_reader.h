#pragma once
// What every hash-set format reader shares: the sink it feeds, positions for messages, and one
// entry point per format (one small .cpp each). A reader streams its input with bounded memory,
// hands each record to the sink, reports a per-record problem to the sink (counted, not fatal)
// and throws ImportError for a malformed file.
#include <cstdint>
#include <optional>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/text/text_input.h"
#include "formats/hashset/hashset_store.h"

namespace triage::hashset {

// Positions, failures and cell helpers are core/text/text_input.h's (shared with other inputs).
using triage::describe;
using triage::fail;
using triage::is_hex;
using triage::lower_ascii;
using triage::parse_flag;
using triage::parse_size;
using triage::SourcePosition;
using triage::split_delimited;
using triage::trim_blanks;

class ImportSink {
 public:
  virtual ~ImportSink() = default;
  // Takes one record; its hashes may be in any case and are checked here.
  virtual void add(ImportRecord& record, SourcePosition where) = 0;
  // Counts a record that could not be taken, with the reason.
  virtual void reject(SourcePosition where, std::string_view reason) = 0;
  // The set's version or date when the file states it.
  virtual void set_version(std::string_view version) = 0;
};

void read_vics_json(const std::filesystem::path& file, ImportSink& sink);
// The simdjson the VICS JSON reader is built with.
std::string simdjson_library_version();
// The same, with the size above which a Case object is streamed rather than parsed whole
// (64 MiB by default; smaller in tests).
void read_vics_json(const std::filesystem::path& file, ImportSink& sink, std::size_t max_object_bytes);
void read_nsrl_rds3(const std::filesystem::path& file, ImportSink& sink);
void read_nsrl_rds2(const std::filesystem::path& file, ImportSink& sink);
void read_icse_csv(const std::filesystem::path& file, ImportSink& sink);
void read_md5sum(const std::filesystem::path& file, ImportSink& sink);
void read_hashdeep(const std::filesystem::path& file, ImportSink& sink);
void read_hashkeeper(const std::filesystem::path& file, ImportSink& sink);
void read_encase_hash(const std::filesystem::path& file, ImportSink& sink);
void read_kdb(const std::filesystem::path& file, ImportSink& sink);
void read_plain_list(const std::filesystem::path& file, ImportSink& sink);
void read_pdq_list(const std::filesystem::path& file, ImportSink& sink);

// The format of `file` from its content (format_detect.cpp): one of hash_set_formats() but
// "auto". Throws ImportError when the content matches none.
std::string detect_format(const std::filesystem::path& file);

// The hash set's own name in an EnCase .hash header ("" when none); used when --name is not given.
std::string read_encase_hash_name(const std::filesystem::path& file);

// True when `head` starts with the EnCase .hash signature "HASH\r\n\xff\0".
bool is_encase_hash_magic(std::string_view head);

// Puts a hash of 32, 40 or 64 hex digits into md5, sha1 or sha256 by its length; false when the
// length is none of those.
bool assign_by_length(HashSetRecord& record, std::string_view hex);

// A read-only SQLite URI for `file` that takes no lock and writes nothing (immutable=1).
std::string immutable_sqlite_uri(const std::filesystem::path& file);

}  // namespace triage::hashset
