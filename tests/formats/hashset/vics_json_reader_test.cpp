#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/formats/hashset/hashset_fixtures.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kModel13 = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media";
constexpr const char* kModel20 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media";

// One synthetic Media object in the VICS layout. Odd records use string flags, upper-case hex,
// a string MediaSize and AlternativeHashes; even ones JSON booleans, lower-case hex and fields.
json media(int i, bool v2) {
  const bool odd = i % 2 == 1;
  json m;
  m["MediaID"] = odd ? json(std::to_string(1000 + i)) : json(1000 + i);
  if (i % 5 != 0) m["Category"] = i % 4;  // every fifth has none: Category 0
  m["MD5"] = odd ? test::upper(test::synthetic_hex(32, i, 1)) : test::synthetic_hex(32, i, 1);
  m["SHA1"] = odd ? test::upper(test::synthetic_hex(40, i, 2)) : test::synthetic_hex(40, i, 2);
  m["MediaSize"] = odd ? json(std::to_string(100 + i)) : json(100 + i);
  m["VictimIdentified"] = odd ? json("true") : json(false);
  m["OffenderIdentified"] = odd ? json("False") : json(true);
  m["IsDistributed"] = odd ? json("1") : json(true);
  m["IsPrecategorized"] = false;
  m["Series"] = fmt::format("series-{}", i % 3);
  m["Tags"] = json::array({"synthetic", "fixture"});
  m["PhotoDNA"] = "AAAA";  // stored, never matched
  m["MediaFiles"] = json::array({{{"FileName", fmt::format("file{}.jpg", i)}, {"FilePath", "x"}}});
  if (v2 && odd) {
    m["AlternativeHashes"] = json::array({{{"HashName", "SHA256"}, {"HashValue", test::upper(test::synthetic_hex(64, i, 3))}},
                                          {{"HashName", "PDQ"}, {"HashValue", test::synthetic_hex(64, i, 4)}}});
  } else if (v2) {
    m["SHA256"] = test::synthetic_hex(64, i, 3);
  }
  return m;
}

json export_doc(bool v2, bool cases, int count, int per_case = 3) {
  json doc;
  doc[v2 ? "@odata.context" : "odata.metadata"] = v2 ? kModel20 : kModel13;
  json value = json::array();
  if (cases) {
    for (int c = 0; c * per_case < count; ++c) {
      json kase = {{"CaseID", c + 1}, {"CaseNumber", fmt::format("C{}", c)}, {"Media", json::array()}};
      for (int i = c * per_case; i < std::min(count, (c + 1) * per_case); ++i) kase["Media"].push_back(media(i, v2));
      value.push_back(kase);
    }
  } else {
    for (int i = 0; i < count; ++i) value.push_back(media(i, v2));
  }
  doc["value"] = value;
  return doc;
}

void check_records(const std::vector<HashSetRecord>& records, int count, bool v2) {
  REQUIRE(records.size() == static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const auto& r = records[static_cast<std::size_t>(i)];
    CHECK(r.media_id == std::to_string(1000 + i));
    CHECK(r.category == (i % 5 == 0 ? "0" : std::to_string(i % 4)));
    CHECK(r.md5 == test::synthetic_hex(32, i, 1));
    CHECK(r.sha1 == test::synthetic_hex(40, i, 2));
    CHECK(r.sha256 == (v2 ? test::synthetic_hex(64, i, 3) : ""));
    CHECK(r.pdq == (v2 && i % 2 == 1 ? test::synthetic_hex(64, i, 4) : ""));
    CHECK(r.series == fmt::format("series-{}", i % 3));
  }
}

}  // namespace

TEST_CASE("VICS 1.3 and 2.0, Media and Cases shapes, round-trip with exact counts and categories") {
  test::TempDir dir;
  for (const bool v2 : {false, true}) {
    for (const bool cases : {false, true}) {
      CAPTURE(v2);
      CAPTURE(cases);
      const auto file = dir / fmt::format("vics-{}-{}.json", v2 ? "2.0" : "1.3", cases ? "cases" : "media");
      test::write_text(file, export_doc(v2, cases, 25).dump(cases ? 2 : -1));
      CHECK(hashset::detect_format(file) == "vics");
      const auto imported = test::import_one(dir.path(), file);
      check_records(imported.records, 25, v2);
      CHECK(imported.report.set.record_count == 25);
      CHECK(imported.report.set.rejected_records == 0);
      CHECK(imported.report.set.format == "vics");
      CHECK(imported.report.set.version == (v2 ? "VICS data model 2.0/UK" : "VICS data model 1.3"));
    }
  }
}

TEST_CASE("VICS details: flags as booleans or strings, sizes as numbers or strings, tags, file names") {
  test::TempDir dir;
  const auto file = dir / "v.json";
  test::write_text(file, export_doc(true, false, 2).dump());
  test::CollectingSink sink;
  hashset::read_vics_json(file, sink);
  REQUIRE(sink.records.size() == 2);
  const auto& even = sink.records[0].detail;
  const auto& odd = sink.records[1].detail;
  CHECK(even.size == 100u);
  CHECK(odd.size == 101u);
  CHECK(even.victim_identified == false);
  CHECK(odd.victim_identified == true);
  CHECK(even.offender_identified == true);
  CHECK(odd.offender_identified == false);
  CHECK(odd.is_distributed == true);
  CHECK(odd.is_precategorized == false);
  CHECK(even.tags == "synthetic, fixture");
  CHECK(odd.file_name == "file1.jpg");
  CHECK(odd.photodna == "AAAA");
}

TEST_CASE("VICS 1.1 and 1.2 root keys, the UK CAID flavour and the #Cases context are VICS too") {
  test::TempDir dir;
  for (const std::string model : {"http://github.com/ICMEC/ProjectVic/DataModels/1.1.xml#Media",
                                  "http://github.com/ICMEC/ProjectVic/DataModels/1.2.xml#Media",
                                  "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/CUSTOM/$metadata#Cases"}) {
    CAPTURE(model);
    const bool v2 = model.find("2.0") != std::string::npos;
    json doc = export_doc(v2, v2, 4);
    doc.erase(v2 ? "@odata.context" : "odata.metadata");
    doc[v2 ? "@odata.context" : "odata.metadata"] = model;
    const auto file = dir / "caid.json";
    test::write_text(file, doc.dump());
    test::CollectingSink sink;
    hashset::read_vics_json(file, sink);
    CHECK(sink.records.size() == 4);
  }
}

TEST_CASE("VICS: a large export crosses many buffer windows and a huge Case is streamed") {
  test::TempDir dir;
  const auto file = dir / "big.json";
  const int count = 20000;  // about 9.5 MB of JSON: three 4 MiB windows
  {  // written Case by Case and Media by Media: one nlohmann tree of it all took 10 s under ASan
    constexpr int per_case = 10000;
    std::string text = fmt::format("{{\"@odata.context\": \"{}\", \"value\": [", kModel20);
    for (int c = 0; c * per_case < count; ++c) {
      text += fmt::format("{}{{\"CaseID\": {}, \"CaseNumber\": \"C{}\", \"Media\": [\n", c ? ",\n" : "", c + 1, c);
      for (int i = c * per_case; i < std::min(count, (c + 1) * per_case); ++i)
        text += (i > c * per_case ? ",\n" : "") + media(i, true).dump(1);
      text += "]}";
    }
    text += "]}\n";
    test::write_text(file, text);
  }
  {
    test::CollectingSink sink;
    hashset::read_vics_json(file, sink);
    REQUIRE(sink.records.size() == static_cast<std::size_t>(count));
    CHECK(sink.records.back().record.media_id == std::to_string(1000 + count - 1));
  }
  // With a 4 KiB object limit every Case is too large to parse whole and is streamed instead.
  test::CollectingSink sink;
  hashset::read_vics_json(file, sink, 4096);
  REQUIRE(sink.records.size() == static_cast<std::size_t>(count));
  std::vector<HashSetRecord> records;
  for (const auto& r : sink.records) records.push_back(r.record);
  for (auto& r : records) {  // the reader hands hashes over as spelled; the store lower-cases
    r.md5 = hashset::lower_ascii(r.md5);
  }
  CHECK(records[12345].md5 == test::synthetic_hex(32, 12345, 1));
}

TEST_CASE("VICS: per-record problems are counted; the record offsets shift with a prefix") {
  test::TempDir dir;
  json doc = export_doc(true, false, 3);
  doc["value"][1]["MD5"] = "ABCD";            // wrong length
  doc["value"][2]["SHA1"] = std::string(40, 'g');  // not hex
  const std::string text = doc.dump();
  const auto file = dir / "bad.json";
  test::write_text(file, text);
  const auto imported = test::import_one(dir.path(), file);
  CHECK(imported.report.set.record_count == 1);
  CHECK(imported.report.set.rejected_records == 2);
  REQUIRE(imported.report.rejection_examples.size() == 2);
  CHECK(imported.report.rejection_examples[0].find("MediaID 1001: MD5 'ABCD' is not 32 hex digits") != std::string::npos);

  // Shift test: the same document behind 1000 bytes of whitespace reports every offset +1000.
  test::CollectingSink plain, shifted;
  const auto file2 = dir / "shifted.json";
  test::write_text(file2, std::string(1000, ' ') + text);
  hashset::read_vics_json(file, plain);
  hashset::read_vics_json(file2, shifted);
  REQUIRE(plain.records.size() == 3);
  REQUIRE(shifted.records.size() == 3);
  // The reader itself does not check hashes; feed both through a store-less check of offsets.
  struct OffsetSink : test::CollectingSink {
    std::vector<std::uint64_t> at;
    void add(ImportRecord& r, hashset::SourcePosition where) override {
      at.push_back(where.byte);
      records.push_back(r);
    }
  } a, b;
  hashset::read_vics_json(file, a);
  hashset::read_vics_json(file2, b);
  REQUIRE(a.at.size() == b.at.size());
  for (std::size_t i = 0; i < a.at.size(); ++i) CHECK(b.at[i] == a.at[i] + 1000);
  CHECK(a.at[0] == text.find("\"value\":[") + 9);  // each record is reported at its opening brace
  CHECK(text.substr(a.at[1] - 2, 3) == "},{");
}

TEST_CASE("VICS malformed inputs are ImportErrors with an offset, never crashes") {
  test::TempDir dir;
  const std::string good = export_doc(true, false, 3).dump();
  struct Case {
    std::string name, text, expect;
  };
  const std::vector<Case> cases = {
      {"truncated", good.substr(0, good.size() / 2), "truncated JSON"},
      {"truncated in a string", good.substr(0, good.find("series-1") + 3), "truncated JSON"},
      {"wrong root key", R"({"foo": "bar", "value": []})", "wrong root key \"foo\""},
      {"not a model url", R"({"odata.metadata": "http://example.com/x", "value": []})", "not a Project VIC data model URL"},
      {"no value", std::string(R"({"odata.metadata": ")") + kModel13 + "\"}", "no \"value\" array"},
      {"trailing data", good + " x", "trailing data"},
      {"element not an object", std::string(R"({"odata.metadata": ")") + kModel13 + R"(", "value": [1]})",
       "not an object"},
      {"invalid object", std::string(R"({"odata.metadata": ")") + kModel13 + R"(", "value": [{"MD5": tru}]})",
       "invalid JSON object"},
      {"depth bomb", std::string(R"({"odata.metadata": ")") + kModel13 + R"(", "value": [{"X": )" +
                         std::string(100000, '[') + std::string(100000, ']') + "}]}",
       "invalid JSON object"},
      {"array root", "[1, 2]", "starts with '{'"},
      {"empty", "", "empty file"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto file = dir / "bad.json";
    test::write_text(file, c.text);
    test::CollectingSink sink;
    try {
      hashset::read_vics_json(file, sink);
      FAIL("no ImportError");
    } catch (const ImportError& e) {
      const std::string message = e.what();
      CHECK_MESSAGE(message.find(c.expect) != std::string::npos, message);
      if (c.name != "empty") CHECK_MESSAGE(message.find("byte ") != std::string::npos, message);
    }
  }
}

TEST_CASE("VICS: brackets, quotes and backslashes inside strings at every offset of the block scanner") {
  // The object scanner works on 64-byte blocks: strings holding brackets and escapes, of every
  // length up to two blocks, put each of them at every position within a block.
  test::TempDir dir;
  const auto file = dir / "strings.json";
  const std::string pieces[] = {"}", "]", "{", "[", "\"", "\\", "\\\"", "}}]]", "a", "\xc3\xa9"};
  json doc = export_doc(true, false, 400);
  std::vector<std::string> series;
  for (int i = 0; i < 400; ++i) {
    std::string s;
    for (int k = 0; k < i % 131; ++k) s += pieces[static_cast<std::size_t>((i * 7 + k * 3) % 10)];
    series.push_back(s);
    doc["value"][static_cast<std::size_t>(i)]["Series"] = s;
    doc["value"][static_cast<std::size_t>(i)]["MediaFiles"][0]["FilePath"] = "C:\\Users\\" + s + "{[";
  }
  test::write_text(file, doc.dump());
  test::CollectingSink sink;
  hashset::read_vics_json(file, sink);
  REQUIRE(sink.records.size() == 400);
  for (int i = 0; i < 400; ++i) {
    CHECK(sink.records[static_cast<std::size_t>(i)].record.media_id == std::to_string(1000 + i));
    CHECK(sink.records[static_cast<std::size_t>(i)].record.series == series[static_cast<std::size_t>(i)]);
  }
}

TEST_CASE("VICS: a string opened in a clean block whose escapes come blocks later (a case's \"DFU\" in quotes)") {
  // The block scanner may leave a string open at a block's end; the byte scan that takes over at
  // a block holding a backslash must then treat it as a string, where \" does not close it. A
  // triage export of a case whose organisation is 'Test Police "DFU"' failed to re-import when
  // the escape fell so (found by a clean-clone run: the paths' length moved the blocks). Every
  // offset of the escape within a block is tried.
  test::TempDir dir;
  for (std::size_t pad = 0; pad < 130; ++pad) {
    CAPTURE(pad);
    json kase = {{"CaseID", "OP-42/2026"}, {"CaseNumber", std::string(pad, 'x')},
                 {"Organisation", "Test Police \"DFU\" and a long tail after the quotes"},
                 {"Sources", json::array({{{"SourceID", 0}, {"Path", "/evidence/" + std::string(pad % 64, 'p')}}})},
                 {"Media", json::array({media(0, true), media(1, true), media(2, true)})}};
    json doc;
    doc["@odata.context"] = kModel20;
    doc["value"] = json::array({kase});
    const auto file = dir / ("escapes-" + std::to_string(pad) + ".json");
    test::write_text(file, doc.dump());
    test::CollectingSink sink;
    hashset::read_vics_json(file, sink);
    CHECK(sink.records.size() == 3);
  }
}
