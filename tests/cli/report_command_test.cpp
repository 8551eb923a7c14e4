// report.html, report.json, `triage report`, `triage verify`, case details and permissions.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "tests/cli/cli_runner.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path sample_sets() { return test::sample_hash_sets(); }
using test::scan_sample;

// A small check of a JSON value against the subset of JSON Schema that report.schema.json
// uses: type (one or a list), required, properties, items, const, enum, $ref to #/$defs/NAME.
void check_schema(const json& value, const json& schema, const json& root, const std::string& where,
                  std::vector<std::string>& problems) {
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    REQUIRE(ref.starts_with("#/$defs/"));
    check_schema(value, root["$defs"][ref.substr(8)], root, where, problems);
    return;
  }
  if (schema.contains("const") && value != schema["const"]) problems.push_back(where + ": not the const value");
  if (schema.contains("enum") &&
      std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end())
    problems.push_back(where + ": not one of the enum values");
  if (schema.contains("type")) {
    const auto is = [&](const std::string& t) {
      if (t == "object") return value.is_object();
      if (t == "array") return value.is_array();
      if (t == "string") return value.is_string();
      if (t == "integer") return value.is_number_integer();
      if (t == "number") return value.is_number();
      if (t == "boolean") return value.is_boolean();
      if (t == "null") return value.is_null();
      return false;
    };
    bool ok = false;
    if (schema["type"].is_array()) {
      for (const auto& t : schema["type"]) ok = ok || is(t.get<std::string>());
    } else {
      ok = is(schema["type"].get<std::string>());
    }
    if (!ok) problems.push_back(where + ": not of type " + schema["type"].dump());
  }
  if (value.is_object()) {
    if (schema.contains("required"))
      for (const auto& key : schema["required"])
        if (!value.contains(key.get<std::string>())) problems.push_back(where + ": lacks " + key.get<std::string>());
    if (schema.contains("properties"))
      for (const auto& [key, sub] : schema["properties"].items())
        if (value.contains(key)) check_schema(value[key], sub, root, where + "." + key, problems);
  }
  if (value.is_array() && schema.contains("items"))
    for (std::size_t i = 0; i < value.size(); ++i)
      check_schema(value[i], schema["items"], root, where + "[" + std::to_string(i) + "]", problems);
}

// A small HTML tokenizer: the start tags (name and attribute text) and the text outside tags,
// with <style> content skipped as raw text. Enough to see whether an element was injected.
struct ParsedHtml {
  std::vector<std::pair<std::string, std::string>> tags;  // (lower-case name, attributes)
  std::string text;                                       // character data with entities decoded
};

std::string decode_entities(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const std::size_t semi = s.find(';', i);
    REQUIRE(semi != std::string::npos);
    const std::string name = s.substr(i + 1, semi - i - 1);
    static const std::map<std::string, std::string> known = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"#39", "'"}};
    REQUIRE_MESSAGE(known.count(name), "unknown entity " << name);
    out += known.at(name);
    i = semi;
  }
  return out;
}

ParsedHtml parse_html(const std::string& html) {
  ParsedHtml p;
  std::size_t i = 0;
  while (i < html.size()) {
    if (html.compare(i, 4, "<!--") == 0) {
      i = html.find("-->", i) + 3;
      continue;
    }
    if (html[i] != '<') {
      const std::size_t next = html.find('<', i);
      p.text += decode_entities(html.substr(i, next - i));
      i = next == std::string::npos ? html.size() : next;
      continue;
    }
    std::size_t j = i + 1;
    const bool closing = html[j] == '/';
    if (closing) ++j;
    std::size_t name_end = j;
    while (name_end < html.size() && (std::isalnum(static_cast<unsigned char>(html[name_end])) || html[name_end] == '!'))
      ++name_end;
    std::string name = html.substr(j, name_end - j);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    // Find the tag's end outside quoted attribute values.
    char quote = 0;
    std::size_t k = name_end;
    for (; k < html.size(); ++k) {
      if (quote) {
        if (html[k] == quote) quote = 0;
      } else if (html[k] == '"' || html[k] == '\'') {
        quote = html[k];
      } else if (html[k] == '>') {
        break;
      }
    }
    if (!closing) p.tags.emplace_back(name, html.substr(name_end, k - name_end));
    i = k + 1;
    if (!closing && name == "style") i = html.find("</style>", i);
  }
  return p;
}

std::string mask(const std::string& html) {
  std::string masked = test::without_run_metadata(html);
  REQUIRE_FALSE(masked.empty());
  return masked;
}

}  // namespace

TEST_CASE("the sample case: details, reports, checksums and owner-only files") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  const auto run = scan_sample(case_dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.find("report.html, report.json") != std::string::npos);

  // Owner-only: every folder 0700, every file 0600.
  CHECK(test::file_mode(case_dir) == 0700);
  int files = 0, thumbnails = 0;
  for (const auto& entry : fs::recursive_directory_iterator(case_dir)) {
    CAPTURE(entry.path());
    CHECK(test::file_mode(entry.path()) == (entry.is_directory() ? 0700 : 0600));
    if (entry.path().parent_path() == case_dir && !entry.is_directory()) ++files;
    if (entry.path().parent_path() == case_dir / "thumbs") ++thumbnails;
  }
  CHECK(files == 8);  // case.db, hashsets.db, items.csv, report.html, report.json, export.vics.json, review.html, SHA256SUMS
  CHECK(thumbnails == 7);  // the sample's distinct still images but the known-good one: known-good content is not decoded

  const std::string sums = test::read_text(case_dir / "SHA256SUMS");
  for (const char* name : {"case.db", "hashsets.db", "items.csv", "report.html", "report.json", "export.vics.json", "review.html"})
    CHECK(sums.find(std::string("  ") + name + "\n") != std::string::npos);

  const json report = json::parse(test::read_text(case_dir / "report.json"));
  CHECK(report["schema"] == "triage-report/2");
  CHECK(report["case"]["case_ref"] == "OP-42/2026");
  CHECK(report["case"]["exhibit_ref"] == "JB/1");
  CHECK(report["case"]["examiner"] == "J. Bloggs <DC 123>");
  CHECK(report["case"]["organisation"] == "Test Police \"DFU\"");
  CHECK(report["hash_sets"].size() == 2);
  CHECK(report["items"].size() == 12);
  CHECK(report["summary"]["still_images"] == 9);
  CHECK(report["summary"]["videos"] == 1);
  CHECK(report["thresholds"]["pdq_max_distance"] == 31);
  // Every profile category has a row, most severe first; known good last.
  const json& rows = report["summary"]["categories"];
  REQUIRE(rows.size() >= 9);
  CHECK(rows[0]["label"] == "Category A");
  CHECK(rows.back()["excluded"] == true);
  int previous = 0;
  for (const auto& row : rows)
    if (!row["excluded"].get<bool>()) {
      CHECK(row["severity"].get<int>() >= previous);
      previous = row["severity"].get<int>();
    }

  const std::string html = test::read_text(case_dir / "report.html");
  CHECK(html.find("J. Bloggs &lt;DC 123&gt;") != std::string::npos);
  CHECK(html.find("Test Police &quot;DFU&quot;") != std::string::npos);
  CHECK(html.find("First person produced imagery") != std::string::npos);
  CHECK(html.find("self-generated") == std::string::npos);
  CHECK(html.find("Self-generated") == std::string::npos);
  for (const char* section : {"1. Case", "2. Summary", "3. Charts", "4. Origin of the imagery", "5. Method",
                              "6. Evidence integrity", "7. Findings", "8. Not examined", "9. Glossary"})
    CHECK_MESSAGE(html.find(section) != std::string::npos, section);
  const ParsedHtml parsed = parse_html(html);
  std::set<std::string> names;
  for (const auto& [name, attrs] : parsed.tags) names.insert(name);
  CHECK(names.count("svg") == 1);
  CHECK(names.count("script") == 0);
  CHECK(names.count("img") == 0);
  CHECK(names.count("link") == 0);
  // No request of any kind: no URL outside text, and the CSP forbids fetching anyway.
  for (const auto& [name, attrs] : parsed.tags) {
    CHECK(attrs.find("http:") == std::string::npos);
    CHECK(attrs.find("https:") == std::string::npos);
    CHECK(attrs.find("src=") == std::string::npos);
    CHECK(attrs.find("href=") == std::string::npos);
  }
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(parsed.text.find("Category A") != std::string::npos);
}

TEST_CASE("report.json validates against the shipped JSON Schema") {
  test::TempDir tmp;
  REQUIRE(scan_sample(tmp / "case").exit_code == 0);
  const json schema = json::parse(test::read_text(test::source_dir() / "formats/report/report.schema.json"));
  const json report = json::parse(test::read_text(tmp / "case" / "report.json"));
  std::vector<std::string> problems;
  check_schema(report, schema, schema, "$", problems);
  for (const auto& p : problems) FAIL_CHECK(p);
  CHECK(problems.empty());
  // The checker does reject: a wrong type and a missing key are reported.
  json broken = report;
  broken["summary"]["items"] = "twelve";
  broken.erase("errors");
  problems.clear();
  check_schema(broken, schema, schema, "$", problems);
  CHECK(problems.size() == 2);
}

TEST_CASE("report.json validates against the shipped schema with a real validator (python3-jsonschema)") {
  if (std::system("python3 -c 'import jsonschema' > /dev/null 2>&1") != 0) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL("python3-jsonschema missing under CI");
    MESSAGE("SKIPPED (loudly): python3-jsonschema not installed (tools/setup.sh --test installs it)");
    return;
  }
  test::TempDir tmp;
  REQUIRE(scan_sample(tmp / "case").exit_code == 0);
  const fs::path script = test::source_dir() / "tests/support/validate_json_schema.py";
  const fs::path schema = test::source_dir() / "formats/report/report.schema.json";
  const auto validate = [&](const fs::path& doc) {
    const std::string cmd = "python3 '" + script.string() + "' '" + schema.string() + "' '" + doc.string() + "' > '" +
                            (tmp / "validator.txt").string() + "' 2>&1";
    const int status = std::system(cmd.c_str());
    return std::pair{WIFEXITED(status) ? WEXITSTATUS(status) : -1, test::read_text(tmp / "validator.txt")};
  };
  const auto good = validate(tmp / "case" / "report.json");
  CHECK_MESSAGE(good.first == 0, good.second);
  CHECK(good.second.find("Draft202012Validator: 0 error(s)") != std::string::npos);
  // The validator does reject: a wrong type and a missing key are both reported.
  json broken = json::parse(test::read_text(tmp / "case" / "report.json"));
  broken["summary"]["items"] = "twelve";
  broken.erase("errors");
  test::write_text(tmp / "broken.json", broken.dump());
  const auto bad = validate(tmp / "broken.json");
  CHECK(bad.first == 1);
  CHECK_MESSAGE(bad.second.find("$.summary.items") != std::string::npos, bad.second);
  CHECK_MESSAGE(bad.second.find("'errors' is a required property") != std::string::npos, bad.second);
}

TEST_CASE("hostile names are inert text in report.html and escaped in report.json") {
  test::TempDir tmp;
  const fs::path src = tmp / "src";
  fs::create_directories(src);
  // "<script>alert(1)</script>.jpg" holds a '/', so it is a folder "<script>alert(1)<" and a file.
  fs::create_directories(src / "<script>alert(1)<");
  const auto jpeg = test::read_bytes(test::sample_evidence() / "DCIM/100TEST/IMG_0002.jpg");
  test::write_bytes(src / "<script>alert(1)<" / "script>.jpg", jpeg);
  const std::vector<std::string> names = {"\"><img src=x onerror=alert(1)>.jpg",
                                          "=HYPERLINK(\"x\").jpg", "bad\xFF\xFE.jpg", "photo\xE2\x80\xAEgpj.jpg",
                                          "it's & <b>bold.jpg"};
  for (const auto& n : names) test::write_bytes(src / n, jpeg);
  const auto run = test::run_cli({"scan", src.string(), "--out", (tmp / "case").string(), "--case-ref",
                                  "</style><script>x</script>", "--exhibit-ref", "\xE2\x80\xAE" "1/BJ"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);

  const std::string html = test::read_text(tmp / "case" / "report.html");
  const ParsedHtml parsed = parse_html(html);
  std::map<std::string, int> counts;
  for (const auto& tag : parsed.tags) {  // no structured binding: clang 14 cannot capture one in CHECK_MESSAGE
    const std::string& name = tag.first;
    const std::string& attrs = tag.second;
    ++counts[name];
    CHECK_MESSAGE(attrs.find("onerror") == std::string::npos, name << attrs);
    CHECK_MESSAGE(attrs.find(" on") == std::string::npos, name << attrs);
  }
  CHECK(counts["script"] == 0);
  CHECK(counts["img"] == 0);
  CHECK(counts["b"] == 0);
  CHECK(counts["style"] == 1);
  CHECK(counts["div"] == 6);  // one finding per image
  CHECK(counts["bdi"] >= 7);  // every evidence path isolated (source + six findings)
  // The names are there, as text.
  CHECK(parsed.text.find("<script>alert(1)</script>.jpg") != std::string::npos);
  CHECK(parsed.text.find("\"><img src=x onerror=alert(1)>.jpg") != std::string::npos);
  CHECK(parsed.text.find("=HYPERLINK(\"x\").jpg") != std::string::npos);
  CHECK(parsed.text.find("it's & <b>bold.jpg") != std::string::npos);
  CHECK(parsed.text.find("bad\xEF\xBF\xBD\xEF\xBF\xBD.jpg") != std::string::npos);
  CHECK(html.find("626164fffe2e6a7067") != std::string::npos);  // the exact bytes, in hex
  CHECK(html.find('\xFF') == std::string::npos);
  // The bidi override is neutralised: shown as a marker, never present as the character.
  CHECK(html.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(parsed.text.find("photoU+202Egpj.jpg") != std::string::npos);
  // The case reference in the <style> running header cannot close the style element.
  CHECK(html.find("</style>") == html.rfind("</style>"));

  const std::string json_text = test::read_text(tmp / "case" / "report.json");
  CHECK(json_text.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(json_text.find("\\u202e") != std::string::npos);
  const json report = json::parse(json_text);
  std::set<std::string> paths;
  for (const auto& item : report["items"]) paths.insert(fs::path(item["path"].get<std::string>()).filename());
  CHECK(paths.count("script>.jpg") == 1);
  for (const auto& n : names)
    if (n.find('\xFF') == std::string::npos) CHECK_MESSAGE(paths.count(n) == 1, n);
  CHECK(paths.count("bad\xEF\xBF\xBD\xEF\xBF\xBD.jpg") == 1);

  // The VICS export escapes them the same way and stays valid JSON.
  const std::string vics_text = test::read_text(tmp / "case" / "export.vics.json");
  CHECK(vics_text.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(vics_text.find('\xFF') == std::string::npos);
  std::set<std::string> vics_names;
  const json vics = json::parse(vics_text);
  for (const auto& m : vics["value"][0]["Media"])
    for (const auto& f : m["MediaFiles"]) vics_names.insert(f["FileName"].get<std::string>());
  CHECK(vics_names.count("\"><img src=x onerror=alert(1)>.jpg") == 1);
  CHECK(vics_names.count("photo\xE2\x80\xAEgpj.jpg") == 1);

  // CSV: the formula name is neutralised (a cell starting with = gets an apostrophe).
  const std::string csv = test::read_text(tmp / "case" / "items.csv");
  CHECK(csv.find(",=") == std::string::npos);
}

TEST_CASE("--jobs 1 and --jobs 4 give identical reports apart from the run metadata; triage report regenerates "
          "them byte for byte") {
  test::TempDir tmp;
  const fs::path store = tmp / "sets.db";
  REQUIRE(test::run_cli({"hashset", "import", (sample_sets() / "sample-uk.vics.json").string(), "--into",
                         store.string()}).exit_code == 0);
  REQUIRE(test::run_cli({"hashset", "import", (sample_sets() / "known-good.rds.db").string(), "--into", store.string(),
                         "--role", "known"}).exit_code == 0);
  REQUIRE(scan_sample(tmp / "one", "1", store).exit_code == 0);
  REQUIRE(scan_sample(tmp / "four", "4", store).exit_code == 0);
  const std::string html_one = test::read_text(tmp / "one" / "report.html");
  const std::string html_four = test::read_text(tmp / "four" / "report.html");
  CHECK(html_one != html_four);  // the command lines differ...
  CHECK(mask(html_one) == mask(html_four));  // ...and nothing else
  json one = json::parse(test::read_text(tmp / "one" / "report.json"));
  json four = json::parse(test::read_text(tmp / "four" / "report.json"));
  CHECK(one["run"]["jobs"] == 1);
  CHECK(four["run"]["jobs"] == 4);
  one.erase("run");
  four.erase("run");
  CHECK(one == four);
  CHECK(test::read_text(tmp / "one" / "items.csv") == test::read_text(tmp / "four" / "items.csv"));
  CHECK(test::read_text(tmp / "one" / "export.vics.json") == test::read_text(tmp / "four" / "export.vics.json"));
  CHECK(test::read_text(tmp / "one" / "review.html") == test::read_text(tmp / "four" / "review.html"));

  for (const auto& output : std::map<std::string, std::string>{
           {"html", "report.html"}, {"json", "report.json"}, {"csv", "items.csv"}, {"vics", "export.vics.json"},
           {"review", "review.html"}}) {
    const std::string& format = output.first;
    const std::string& file = output.second;
    CAPTURE(format);
    const auto regen = test::run_cli({"report", (tmp / "one").string(), "--format", format});
    CHECK(regen.exit_code == 0);
    CHECK(regen.out == test::read_text(tmp / "one" / file));
    const fs::path out = tmp / ("again." + format);
    CHECK(test::run_cli({"report", (tmp / "one").string(), "--format", format, "--out", out.string()}).exit_code == 0);
    CHECK(test::read_text(out) == test::read_text(tmp / "one" / file));
    CHECK(test::file_mode(out) == 0600);
  }
  // Reading the case changed nothing that SHA256SUMS covers.
  CHECK(test::run_cli({"verify", (tmp / "one").string()}).exit_code == 0);
  CHECK(test::run_cli({"report", (tmp / "nowhere").string()}).exit_code == 3);
  // --out is created with the first bytes rendered: a case that cannot be read leaves no file;
  // a file that cannot be written is exit 4.
  CHECK(test::run_cli({"report", (tmp / "nowhere").string(), "--out", (tmp / "none.html").string()}).exit_code == 3);
  CHECK_FALSE(fs::exists(tmp / "none.html"));
  const auto unwritable = test::run_cli({"report", (tmp / "one").string(), "--out", (tmp / "no" / "dir.html").string()});
  CHECK(unwritable.exit_code == 4);
  CHECK(unwritable.err.find("cannot write") != std::string::npos);
}

TEST_CASE("triage verify passes on an untouched case and names each file that differs or is missing") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  REQUIRE(scan_sample(case_dir).exit_code == 0);
  const auto ok = test::run_cli({"verify", case_dir.string()});
  CHECK_MESSAGE(ok.exit_code == 0, ok.err);
  CHECK(ok.out.find("report.html: OK\n") != std::string::npos);
  CHECK(ok.out.find("case.db: OK\n") != std::string::npos);

  auto bytes = test::read_bytes(case_dir / "report.html");
  bytes[bytes.size() / 2] ^= std::byte{0x01};
  test::write_bytes(case_dir / "report.html", bytes);
  const auto flipped = test::run_cli({"verify", case_dir.string()});
  CHECK(flipped.exit_code == 5);
  CHECK(flipped.out.find("report.html: DIFFERS\n") != std::string::npos);
  CHECK(flipped.out.find("report.json: OK\n") != std::string::npos);
  CHECK(flipped.err.find("report.html differs") != std::string::npos);

  fs::remove(case_dir / "items.csv");
  const auto missing = test::run_cli({"verify", case_dir.string()});
  CHECK(missing.exit_code == 5);
  CHECK(missing.out.find("items.csv: MISSING\n") != std::string::npos);
  CHECK(missing.err.find("items.csv is missing") != std::string::npos);

  fs::remove(case_dir / "SHA256SUMS");
  CHECK(test::run_cli({"verify", case_dir.string()}).exit_code == 3);
}

TEST_CASE("triage report sets case details later: case.db, every output and SHA256SUMS follow") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  const auto scan = test::run_cli({"scan", test::sample_evidence().string(), "--out", case_dir.string(), "--case-ref", "OP-1"});
  REQUIRE_MESSAGE(scan.exit_code == 0, scan.err);
  CHECK(json::parse(test::read_text(case_dir / "report.json"))["case"]["examiner"].is_null());
  const std::string zone = json::parse(test::read_text(case_dir / "report.json"))["case"]["time_zone"];
  CHECK(zone.find("UTC") != std::string::npos);  // named with its offset

  const auto later = test::run_cli({"report", case_dir.string(), "--format", "json", "--examiner", "A. N. Other",
                                    "--organisation", "Unit <7>"});
  REQUIRE_MESSAGE(later.exit_code == 0, later.err);
  const json shown = json::parse(later.out);
  CHECK(shown["case"]["case_ref"] == "OP-1");  // kept
  CHECK(shown["case"]["examiner"] == "A. N. Other");
  CHECK(shown["case"]["organisation"] == "Unit <7>");
  CHECK(shown["case"]["time_zone"] == zone);
  CHECK(later.out == test::read_text(case_dir / "report.json"));
  CHECK(test::read_text(case_dir / "report.html").find("Unit &lt;7&gt;") != std::string::npos);
  CHECK(test::file_mode(case_dir / "case.db") == 0600);
  const auto verify = test::run_cli({"verify", case_dir.string()});
  CHECK_MESSAGE(verify.exit_code == 0, verify.out << verify.err);
  CHECK(test::run_cli({"report", (tmp / "nowhere").string(), "--examiner", "X"}).exit_code == 4);
  CHECK_FALSE(fs::exists(tmp / "nowhere"));
}
