// Every reader on mutated inputs (truncations, flipped bytes, bracket runs): each must either
// read the file or throw ImportError; never crash, hang or throw anything else. Run under the
// asan preset this is a small deterministic fuzz pass.
#include <doctest/doctest.h>

#include <functional>
#include <random>

#include "tests/formats/hashset/hashset_fixtures.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

using Reader = void (*)(const fs::path&, hashset::ImportSink&);

std::string seed_text(const std::string& format) {
  const std::string md5 = test::synthetic_hex(32, 1), sha1 = test::synthetic_hex(40, 2), sha256 = test::synthetic_hex(64, 3);
  if (format == "vics")
    return R"({"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases",)"
           R"("value": [{"CaseID": 1, "Media": [{"MediaID": 1, "Category": "1", "MD5": ")" + md5 +
           R"(", "Tags": ["a\"b", "c"], "AlternativeHashes": [{"HashName": "PDQ", "HashValue": ")" + sha256 +
           R"("}], "IsDistributed": "true"}]}, {"MediaID": 2, "SHA1": ")" + sha1 + R"("}]})";
  if (format == "nsrl-rds2") return "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\"\n\"" + sha1 + "\",\"" + md5 + "\",\"1\",\"a\",1,2\n";
  if (format == "icse") return "MD5;SHA1;PhotoDNA;Image ID;Series name\n" + md5 + ";" + sha1 + ";x;7;\"s;1\"\n";
  if (format == "md5sum") return md5 + "  a b\n\\" + sha1 + " *c\\nd\nSHA256 (e) = " + sha256 + "\n";
  if (format == "hashdeep") return "%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n## x\n1," + md5 + "," + sha256 + ",/a,b\n";
  if (format == "hashkeeper") return "\"file_id\",\"hashset_id\",\"file_name\",\"hash\"\n1,2,\"a\",\"" + md5 + "\"\n";
  if (format == "list") return "# c\n" + md5 + "\n" + sha1 + "\n";
  if (format == "pdq") return sha256 + " 1\n" + sha256 + "\n";
  return {};
}

void mutate_and_read(const test::TempDir& dir, const std::string& format, const std::string& seed, Reader read) {
  std::mt19937_64 rng(12345);
  const auto file = dir / ("hostile-" + format);
  for (int round = 0; round < 300; ++round) {
    std::string data = seed;
    switch (round % 5) {
      case 0: data.resize(static_cast<std::size_t>(rng() % (seed.size() + 1))); break;
      case 1:
        for (int k = 0; k < 4; ++k) data[static_cast<std::size_t>(rng() % data.size())] = static_cast<char>(rng());
        break;
      case 2: data.insert(static_cast<std::size_t>(rng() % data.size()), std::string(rng() % 3000, "[{\"\\"[rng() % 4])); break;
      case 3: data.insert(static_cast<std::size_t>(rng() % data.size()), 1, '\0'); break;
      case 4: data = data.substr(static_cast<std::size_t>(rng() % data.size())); break;
    }
    test::write_text(file, data);
    test::CollectingSink sink;
    try {
      read(file, sink);
    } catch (const ImportError&) {
    } catch (const std::exception& e) {
      FAIL("round " << round << " of " << format << " threw a non-ImportError: " << e.what());
    }
    // Detection must also answer or refuse, never crash.
    try {
      (void)hashset::detect_format(file);
    } catch (const ImportError&) {
    }
  }
}

}  // namespace

TEST_CASE("hostile inputs: text and JSON readers either read or throw ImportError") {
  test::TempDir dir;
  const std::vector<std::pair<std::string, Reader>> readers = {
      {"vics", hashset::read_vics_json},         {"nsrl-rds2", hashset::read_nsrl_rds2}, {"icse", hashset::read_icse_csv},
      {"md5sum", hashset::read_md5sum},          {"hashdeep", hashset::read_hashdeep},   {"hashkeeper", hashset::read_hashkeeper},
      {"list", hashset::read_plain_list},        {"pdq", hashset::read_pdq_list}};
  for (const auto& reader : readers) {  // no structured binding: CAPTURE's lambda takes it (clang 14)
    const auto& format = reader.first;
    const auto& read = reader.second;
    CAPTURE(format);
    mutate_and_read(dir, format, seed_text(format), read);
  }
}

TEST_CASE("hostile inputs: binary and SQLite readers either read or throw ImportError") {
  test::TempDir dir;
  // EnCase: a valid header with two entries, then mutations.
  std::string encase(0x480, '\0');
  const char magic[16] = {'H', 'A', 'S', 'H', '\r', '\n', '\xff', '\0', 2, 0, 0, 0, 1, 0, 0, 0};
  encase.replace(0, 16, magic, 16);
  encase[0x10] = 2;
  encase += std::string(36, '\x11');
  mutate_and_read(dir, "encase", encase, hashset::read_encase_hash);

  // SQLite readers on damaged databases: pages of a real fixture with bytes flipped.
  const auto db = dir / "seed.db";
  test::make_sqlite(db,
                    "CREATE TABLE FILE (sha256, sha1, md5, crc32, file_name, file_size, package_id);"
                    "CREATE TABLE PKG (package_id INTEGER PRIMARY KEY, name, version);"
                    "CREATE TABLE hashes (id INTEGER PRIMARY KEY, md5, sha1, sha2_256);"
                    "CREATE TABLE db_properties (name, value);"
                    "INSERT INTO PKG VALUES (1, 'p', '1');"
                    "INSERT INTO FILE VALUES ('" + test::synthetic_hex(64, 1) + "', '', '', '', 'f', 1, 1);"
                    "INSERT INTO hashes VALUES (1, x'" + test::synthetic_hex(32, 1) + "', NULL, NULL);");
  const std::string bytes = test::read_text(db);
  mutate_and_read(dir, "nsrl-rds3", bytes, hashset::read_nsrl_rds3);
  mutate_and_read(dir, "kdb", bytes, hashset::read_kdb);
}
