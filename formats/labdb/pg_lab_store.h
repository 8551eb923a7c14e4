#pragma once
// The lab index in a PostgreSQL database (`triage lab ... --db postgresql://...`), for a unit
// whose cases are many or whose examiners share one lab: the same tables, format
// ("triage-lab/1" in lab_info) and answers as the SQLite store (lab_store.h), byte for byte.
// A case's items and frames go in by COPY (text format) inside one transaction; the digest
// indexes are hash indexes and there are no foreign keys (pg_lab_store.cpp: what each cost). Evidence paths
// and case folders are bytea (any bytes, round-tripped exactly); uids are COLLATE "C", so that
// every order is the SQLite store's byte order.
#include <memory>
#include <string>

#include "core/lab/lab_index.h"
#include "formats/labdb/pg_url.h"

typedef struct pg_conn PGconn;  // libpq-fe.h's declaration: only formats/labdb/*.cpp include libpq

namespace triage {

class PgLabStore final : public LabIndex {
 public:
  // Connects to the database `url` names and checks it is a lab of this format; a database with
  // no lab tables gets the schema when `create`. Throws pg::SchemaVersionError for a database
  // holding another format (or tables of that name that are no lab), never writing to it;
  // pg::Error (formats/labdb/pg_handle.h) when it cannot be reached or read (the message names the URL without its password).
  static std::unique_ptr<PgLabStore> open(const std::string& url, bool create);

  void put_case(const LabCase& lab_case, const std::function<void(CaseRows&)>& fill) override;
  std::vector<LabCase> cases() const override;
  std::vector<LabHit> find_digest(HashType type, const std::string& hex) const override;
  std::vector<LabHit> find_camera(const std::string& camera_id) const override;
  std::optional<LabHit> find_item(const std::string& uid, std::uint64_t seq) const override;
  void for_each_item(const std::function<void(const std::string& uid, const LabItem&)>& visit) const override;
  void for_each_frame(const std::function<void(const std::string& uid, const LabFrame&)>& visit) const override;

 private:
  using Connection = std::unique_ptr<PGconn, void (*)(PGconn*)>;
  explicit PgLabStore(Connection conn) : conn_(std::move(conn)) {}
  std::vector<LabHit> hits(const char* where, const std::string& value) const;

  Connection conn_;
};

}  // namespace triage
