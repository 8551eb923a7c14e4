// Face counts on the shared corpus's photographs (../shared/corpus: exif-samples, the PDQ
// reference images), each looked at by eye for the truth written here: one portrait with a face
// (Konica_Minolta_DiMAGE_Z3.jpg: a woman facing the camera), three photographs with people too
// small to count (a counted face is at least about a twelfth of the picture's longer side; each
// may count at most its people, never more), and every other still image, landscapes, animals,
// objects, text and the EXIF orientation set, with no face at all.
#include <doctest/doctest.h>

#include <map>

#include "core/media/sniff.h"
#include "formats/exif/exif_reader.h"
#include "formats/image/face_counter.h"
#include "formats/image/image_pdq.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;

// Photographs with people in them, by name: how many people are in view.
const std::map<std::string, int> kPeople{
    {"Konica_Minolta_DiMAGE_Z3.jpg", 1},
    {"canon-ixus.jpg", 4},      // a wedding group and a photographer, small in the frame
    {"sony-cybershot.jpg", 1},  // a woman standing, her face some 1/25 of the frame's height
    {"q0291.jpg", 3},           // three men walking, far from the camera
};

}  // namespace

TEST_CASE("faces: the corpus's portrait has one face, its landscapes and objects none") {
  const auto exif_samples = test::require_corpus("exif-samples");
  const auto pdq_images = test::require_corpus("pdq-threatexchange/images");
  if (!exif_samples || !pdq_images) return;
  if (!test::require_package_file(kDefaultFaceModel, "opencv-data")) return;
  auto counter = FaceCounter::load(kDefaultFaceModel);
  REQUIRE(counter.ok());

  int counted = 0, with_people = 0;
  for (const fs::path& root : {*exif_samples, *pdq_images}) {
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      const auto bytes = test::read_bytes(entry.path());
      const MediaKind kind = sniff_media(bytes);
      if (kind.type != MediaType::image) continue;
      auto grey = decode_for_pdq(kind, bytes, 64'000'000);
      if (!grey) continue;  // the corpus's invalid files
      auto exif = read_exif(kind, bytes);
      const std::optional<int> orientation = exif ? exif.value().orientation : std::nullopt;
      auto found = counter.value()->count(grey.value(), kind, orientation);
      REQUIRE(found.ok());
      const std::string name = entry.path().filename().string();
      CAPTURE(name);
      ++counted;
      const auto people = kPeople.find(name);
      if (people == kPeople.end()) {
        CHECK(found.value().faces == 0);
        continue;
      }
      ++with_people;
      CHECK(found.value().faces <= people->second);
      if (name == "Konica_Minolta_DiMAGE_Z3.jpg") {
        CHECK(found.value().faces == 1);
        // Head and shoulders in a wide frame: her face's box is some 8 % of it.
        CHECK(found.value().largest_share > 0.04);
        CHECK(found.value().largest_share < 0.15);
      }
    }
  }
  CHECK(with_people == 4);
  CHECK(counted > 70);  // every decodable still image of the two sets
  MESSAGE(counted << " corpus images counted");
}

}  // namespace triage
