// `triage --version`, case.db's runs table and the reports name the libraries triage runs with
// (a court may ask which libtsk read the image), each with its version.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;

namespace {

const char* const kLibraries[] = {"libtsk", "libewf", "OpenCV", "libheif", "libexif", "FFmpeg",
                                  "libmagic", "SQLite", "OpenSSL", "simdjson"};

}  // namespace

TEST_CASE("--version lists the version of every library in use") {
  const auto run = test::run_cli({"--version"});
  CHECK(run.exit_code == 0);
  CHECK(run.out.rfind("triage ", 0) == 0);
  for (const char* name : kLibraries) {
    CAPTURE(name);
    const auto at = run.out.find(std::string("\n  ") + name + " ");
    REQUIRE(at != std::string::npos);
    const auto end = run.out.find('\n', at + 1);
    const std::string version = run.out.substr(at + 3 + std::string(name).size(), end - at - 3 - std::string(name).size());
    CHECK(version.find_first_of("0123456789") != std::string::npos);  // a version, not an empty field
  }
}

TEST_CASE("a scan records the libraries in case.db; report.json and report.html show them") {
  test::TempDir tmp;
  REQUIRE(test::scan_sample(tmp / "case").exit_code == 0);
  const auto report = nlohmann::json::parse(test::read_text(tmp / "case" / "report.json"));
  const auto& libraries = report["tool"]["libraries"];
  REQUIRE(libraries.is_array());
  for (const char* name : kLibraries) {
    CAPTURE(name);
    CHECK(std::any_of(libraries.begin(), libraries.end(), [&](const nlohmann::json& l) { return l["name"] == name; }));
  }
  const std::string html = test::read_text(tmp / "case" / "report.html");
  CHECK(html.find("<h3>Software</h3>") != std::string::npos);
  CHECK(html.find("<th>libtsk</th>") != std::string::npos);
}
