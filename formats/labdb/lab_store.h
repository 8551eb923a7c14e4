#pragma once
// The lab index in one SQLite file (`triage lab ... --db LAB.db`): cases, their items and video
// frame hashes, indexed by digest and camera id. Format "triage-lab/1" in lab_info; a file of
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
  void for_each_item(const std::function<void(const std::string& uid, const LabItem&)>& visit) const override;
  void for_each_frame(const std::function<void(const std::string& uid, const LabFrame&)>& visit) const override;

 private:
  explicit SqliteLabStore(sqlite::Db db) : db_(std::move(db)) {}
  std::vector<LabHit> hits(const std::string& where, const std::string& value) const;

  sqlite::Db db_;
};

}  // namespace triage
