// Camera ids (core/provenance) from the EXIF this reader gives, against exiftool run here as the
// oracle: on the corpus's camera photographs, grouping files by camera id must give exactly the
// groups exiftool's EXIF Make and Model and its SerialNumber give. EXIF only: exiftool also reads
// Canon's older CIFF block in a JPEG's APP0 (the corpus's sony-powershota5.jpg names its camera
// there alone), which the camera id, like the EXIF reader, leaves aside.
#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "core/media/sniff.h"
#include "core/provenance/camera_signals.h"
#include "formats/exif/exif_reader.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;
using Groups = std::set<std::set<std::string>>;

std::string shell_output(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  CHECK(::pclose(pipe) == 0);
  return out;
}

Groups grouped(const std::map<std::string, std::string>& key_of_file) {
  std::map<std::string, std::set<std::string>> by_key;
  for (const auto& [file, key] : key_of_file) by_key[key].insert(file);
  Groups groups;
  for (auto& [key, files] : by_key) groups.insert(files);
  return groups;
}

}  // namespace

TEST_CASE("camera ids group the corpus's photographs exactly as exiftool's Make, Model and SerialNumber") {
  const auto corpus = test::require_corpus("exif-samples");
  if (!corpus) return;
  if (std::system("command -v exiftool >/dev/null") != 0) {
    FAIL("exiftool is not installed (tools/setup.sh --test installs it)");
    return;
  }
  // exiftool prints each tag as a string ("-" when absent with -f); numbers keep their digits.
  std::map<std::string, std::string> theirs, ours;
  std::istringstream lines(shell_output("cd '" + corpus->string() +
                                        "' && exiftool -q -f -r -ext jpg -ext jpeg -ext tif -ext tiff -ext heic "
                                        "-ext heif -p '$Directory/$FileName\t$EXIF:Make\t$EXIF:Model\t$SerialNumber' . "
                                        "2>/dev/null"));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string file, make, model, serial;
    std::getline(fields, file, '\t');
    std::getline(fields, make, '\t');
    std::getline(fields, model, '\t');
    std::getline(fields, serial, '\t');
    if (file.starts_with("./")) file = file.substr(2);
    theirs[file] = (make == "-" && model == "-") ? std::string("(no camera)") : make + "|" + model + "|" + serial;
  }
  REQUIRE(theirs.size() >= 30);
  int with_camera = 0;
  for (const auto& entry : theirs) {
    const std::string& file = entry.first;  // not a structured binding: clang cannot CAPTURE one
    CAPTURE(file);
    const auto bytes = test::read_bytes(*corpus / file);
    const auto exif = read_exif(sniff_media(bytes), bytes);
    REQUIRE(exif.ok());
    const auto id = camera_id_of(exif.value());
    ours[file] = id ? *id : std::string("(no camera)");
    with_camera += id ? 1 : 0;
  }
  const Groups ours_grouped = grouped(ours), theirs_grouped = grouped(theirs);
  CHECK(ours_grouped == theirs_grouped);
  for (const auto& group : theirs_grouped)
    if (!ours_grouped.contains(group))
      for (const auto& file : group) MESSAGE("differs: " << file << " exiftool " << theirs[file] << ", ours " << ours[file]);
  MESSAGE(theirs.size() << " files, " << with_camera << " with a camera id, " << ours_grouped.size()
                        << " groups (exiftool: " << theirs_grouped.size() << ")");
}

}  // namespace triage
