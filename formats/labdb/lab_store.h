#pragma once
// The lab index in one SQLite file (`triage lab ... --db LAB.db`): cases, their items and video
// frame hashes, with their digests and camera ids as the keys of two tables (searches). Format "triage-lab/1" in lab_info; a file of
// another format or version is refused, never written.
#include <filesystem>
#include <memory>

#include "core/lab/lab_index.h"
#include "formats/sqlite/sqlite_handle.h"

namespace triage {

class SqliteLabStore final : public LabIndex {
 public:
  // Opens LAB, creating it when missing (`create`); throws sqlite::SchemaVersionError for a file
  // that is not a lab of this version, sqlite::Error when it cannot be opened.
  static std::unique_ptr<SqliteLabStore> open(const std::filesystem::path& file, bool create);

  void put_case(const LabCase& lab_case, const std::function<void(CaseRows&)>& fill) override;
  std::vector<LabCase> cases() const override;
  std::vector<LabHit> find_digest(HashType type, const std::string& hex) const override;
  std::vector<LabHit> find_camera(const std::string& camera_id) const override;
  std::optional<LabHit> find_item(const std::string& uid, std::uint64_t seq) const override;
  void for_each_item(const std::function<void(const std::string& uid, const LabItem&)>& visit) const override;
  void for_each_frame(const std::function<void(const std::string& uid, const LabFrame&)>& visit) const override;

 private:
  explicit SqliteLabStore(sqlite::Db db) : db_(std::move(db)) {}
  // The items a key table (digests, cameras) names under the key `bind_key` binds.
  std::vector<LabHit> hits(const char* key_table, const char* key_column,
                           const std::function<void(sqlite::Statement&)>& bind_key) const;

  sqlite::Db db_;
};

}  // namespace triage
