#include "core/provenance/provenance.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "core/provenance/camera_signals.h"
#include "core/provenance/origin_rules.h"

namespace triage {
namespace {

ExifFields apple(const char* lens) {
  ExifFields f;
  f.make = "Apple";
  f.model = "iPhone 12";
  if (lens != nullptr) f.lens_model = lens;
  f.datetime_original = "2024:01:01 12:00:00";
  return f;
}

bool has_signal(const Provenance& p, std::string_view text) {
  return std::any_of(p.signals.begin(), p.signals.end(), [&](const std::string& s) { return s == text; });
}

OriginRuleSet test_rules() {
  auto r = [](std::string id, std::string path, Origin origin, std::string app) {
    OriginRule rule;
    rule.id = std::move(id);
    rule.path = std::move(path);
    rule.origin = origin;
    rule.app = std::move(app);
    return rule;
  };
  return OriginRuleSet({r("camera", "**/DCIM/Camera", Origin::camera, ""),
                        r("wa.received", "**/WhatsApp Images", Origin::messaging_received, "whatsapp"),
                        r("wa.sent", "**/WhatsApp Images/Sent", Origin::messaging_sent, "whatsapp"),
                        r("download", "**/Download", Origin::download, ""),
                        r("telegram", "**/Telegram Images", Origin::messaging, "telegram")});
}

}  // namespace

TEST_CASE("camera signals: camera id, the lens's facing as the maker writes it, stripped JPEGs") {
  CHECK(camera_id_of(apple(nullptr)) == "Apple|iPhone 12|-");
  ExifFields canon;
  canon.make = " Canon ";
  canon.model = "Canon EOS 5D|II";
  canon.serial = "0123456789";
  CHECK(camera_id_of(canon) == "Canon|Canon EOS 5D/II|0123456789");
  ExifFields model_only;
  model_only.model = "DSC-100";
  CHECK(camera_id_of(model_only) == "-|DSC-100|-");
  CHECK_FALSE(camera_id_of(ExifFields{}));

  CHECK(front_camera_of(apple("iPhone 12 front camera 2.71mm f/2.2")) == true);
  CHECK(front_camera_of(apple("iPhone 13 Pro front TrueDepth camera 2.71mm f/2.2")) == true);
  CHECK(front_camera_of(apple("iPhone 12 back dual wide camera 4.2mm f/1.6")) == false);
  CHECK(front_camera_of(apple("Galaxy S21 Rear Camera")) == false);
  CHECK_FALSE(front_camera_of(apple("EF24-105mm f/4L IS USM")));  // a lens, no facing: absent
  CHECK_FALSE(front_camera_of(apple("frontier camera")));         // whole words only
  CHECK_FALSE(front_camera_of(apple(nullptr)));

  CHECK(exif_stripped(ExifFields{}, "image/jpeg"));
  ExifFields software_only;
  software_only.software = "Instagram";
  CHECK(exif_stripped(software_only, "image/jpeg"));  // no camera field, whatever wrote it
  CHECK_FALSE(exif_stripped(apple(nullptr), "image/jpeg"));
  CHECK_FALSE(exif_stripped(ExifFields{}, "image/png"));  // PNG rarely carries EXIF at all
}

TEST_CASE("provenance: the indicator table, row by row, with its signals") {
  const OriginRuleSet rules = test_rules();
  OwnCameras own;
  own.count_camera_roll("Apple|iPhone 12|-");
  own.count_camera_roll("Apple|iPhone 12|-");
  own.count_camera_roll("Apple|iPhone 12|-");
  own.count_camera_roll("Apple|iPhone 12|-");
  own.count_camera_roll("Google|Pixel 7|-");  // one in five: not a quarter
  own.finish();
  REQUIRE(own.ids() == std::vector<std::string>{"Apple|iPhone 12|-"});

  auto decided = [&](std::string_view path, const ExifFields& exif, const char* mime = "image/jpeg") {
    Provenance p = assess_item(&rules, path, exif, mime);
    decide_indicator(p, own);
    return p;
  };
  const Provenance front = decided("DCIM/Camera/IMG_1.jpg", apple("iPhone 12 front camera 2.71mm f/2.2"));
  CHECK(front.indicator == OriginIndicator::captured_on_device_front_camera);
  CHECK(front.origin == Origin::camera);
  CHECK(front.rule == "camera");
  CHECK(front.own_camera == true);
  CHECK(front.front_camera == true);
  CHECK(has_signal(front, "path:**/DCIM/Camera"));
  CHECK(has_signal(front, "exif:LensModel iPhone 12 front camera 2.71mm f/2.2"));
  CHECK(has_signal(front, "camera:own (camera-roll majority)"));

  // The own camera's picture wherever it lies, even among received ones.
  const Provenance back = decided("WhatsApp Images/Sent/IMG_2.jpg", apple("iPhone 12 back camera 4.2mm f/1.6"));
  CHECK(back.indicator == OriginIndicator::captured_on_device);
  CHECK(back.origin == Origin::messaging_sent);
  CHECK(back.app == "whatsapp");

  ExifFields pixel;
  pixel.make = "Google";
  pixel.model = "Pixel 7";
  const Provenance other = decided("Download/PXL_1.jpg", pixel);
  CHECK(other.indicator == OriginIndicator::captured_on_other_device);
  CHECK(other.own_camera == false);

  const Provenance received = decided("WhatsApp Images/IMG-20240101-WA0001.jpg", ExifFields{});
  CHECK(received.indicator == OriginIndicator::received);
  CHECK(received.stripped);
  CHECK(received.own_camera == std::nullopt);
  CHECK(has_signal(received, "exif:no camera fields (stripped)"));

  CHECK(decided("Telegram Images/a.jpg", ExifFields{}).indicator == OriginIndicator::unknown);  // direction unknown
  CHECK(decided("Documents/a.png", ExifFields{}, "image/png").indicator == OriginIndicator::unknown);
  CHECK(decided("Documents/a.png", ExifFields{}, "image/png").origin == Origin::unknown);

  // Deciding again (the case outputs after the stream) changes nothing and repeats no signal.
  Provenance again = front;
  decide_indicator(again, own);
  CHECK(again == front);
}

TEST_CASE("provenance: own cameras named by the examiner, and unknown when the roll holds no camera id") {
  const OriginRuleSet rules = test_rules();
  const OwnCameras named = OwnCameras::named({"Google|Pixel 7"});
  ExifFields pixel;
  pixel.make = "Google";
  pixel.model = "Pixel 7";
  pixel.serial = "SN1";
  Provenance p = assess_item(&rules, "Download/PXL_1.jpg", pixel, "image/jpeg");
  decide_indicator(p, named);
  CHECK(p.own_camera == true);  // "Make|Model" covers every serial
  CHECK(p.indicator == OriginIndicator::captured_on_device);
  CHECK(has_signal(p, "camera:own (named by the examiner)"));
  CHECK_FALSE(named.contains("Google|Pixel 7 Pro|-"));

  OwnCameras none;
  none.finish();
  Provenance q = assess_item(&rules, "Download/PXL_1.jpg", pixel, "image/jpeg");
  decide_indicator(q, none);
  CHECK(q.own_camera == std::nullopt);
  CHECK(q.indicator == OriginIndicator::received);  // nothing says whose camera it is

  CHECK(assess_item(nullptr, "DCIM/Camera/a.jpg", pixel, "image/jpeg").origin == Origin::unknown);
}

TEST_CASE("origin and indicator names round-trip") {
  for (const auto origin : {Origin::camera, Origin::screenshot, Origin::messaging_received, Origin::messaging_sent,
                            Origin::messaging, Origin::web_cache, Origin::download, Origin::thumbnail_cache,
                            Origin::cloud_sync, Origin::unknown})
    CHECK(parse_origin(to_string(origin)) == origin);
  for (const auto indicator : {OriginIndicator::captured_on_device_front_camera, OriginIndicator::captured_on_device,
                               OriginIndicator::captured_on_other_device, OriginIndicator::received,
                               OriginIndicator::unknown})
    CHECK(parse_origin_indicator(to_string(indicator)) == indicator);
  CHECK_FALSE(parse_origin("Camera"));
}

}  // namespace triage
