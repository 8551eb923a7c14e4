#include "formats/rules/origin_rules_loader.h"

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>

namespace triage {
namespace {

std::string id_of(const OriginRuleSet& rules, std::string_view path) {
  const OriginRule* r = rules.match(path);
  return r == nullptr ? std::string("none") : r->id;
}

}  // namespace

TEST_CASE("built-in origin rules: every rule cites a source, and its example path is decided by it") {
  const OriginRuleSet rules = origin_rules_in_force("", "");
  REQUIRE(rules.rules().size() >= 60);
  std::map<Origin, int> per_origin;
  for (const OriginRule& rule : rules.rules()) {
    CAPTURE(rule.id);
    CHECK(rule.source.find("http") != std::string::npos);
    REQUIRE_FALSE(rule.example.empty());
    CHECK(id_of(rules, rule.example) == rule.id);
    CHECK(id_of(rules, "/" + rule.example) == rule.id);  // with the root's '/'
    ++per_origin[rule.origin];
  }
  MESSAGE(rules.rules().size() << " built-in rules, each example decided by its own rule");
  for (const Origin origin : {Origin::camera, Origin::screenshot, Origin::messaging_received, Origin::messaging_sent,
                              Origin::messaging, Origin::web_cache, Origin::download, Origin::thumbnail_cache,
                              Origin::cloud_sync})
    CHECK_MESSAGE(per_origin[origin] > 0, to_string(origin));
}

TEST_CASE("built-in origin rules: the locations the examiners asked for, and overlaps resolved to the specific rule") {
  const OriginRuleSet rules = origin_rules_in_force("", "");
  struct Expect {
    const char* path;
    Origin origin;
    const char* app;  // "" for none
  };
  const Expect expected[] = {
      {"data/media/0/DCIM/Camera/IMG_20240101_120000.jpg", Origin::camera, ""},
      {"sdcard/DCIM/Screenshots/Screenshot_20240101.png", Origin::screenshot, ""},
      {"sdcard/Pictures/Screenshots/Screenshot_20240101.png", Origin::screenshot, ""},
      {"sdcard/WhatsApp/Media/WhatsApp Images/IMG-20240101-WA0001.jpg", Origin::messaging_received, "whatsapp"},
      {"sdcard/WhatsApp/Media/WhatsApp Images/Sent/IMG-20240101-WA0002.jpg", Origin::messaging_sent, "whatsapp"},
      {"storage/emulated/0/Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/Sent/IMG-1.jpg",
       Origin::messaging_sent, "whatsapp"},
      {"storage/emulated/0/Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/IMG-1.jpg",
       Origin::messaging_received, "whatsapp"},
      {"sdcard/WhatsApp Business/Media/WhatsApp Business Images/IMG-1.jpg", Origin::messaging_received,
       "whatsapp_business"},
      {"sdcard/Telegram/Telegram Images/123_456.jpg", Origin::messaging, "telegram"},
      {"data/data/org.thoughtcrime.securesms/app_parts/part123.mms", Origin::messaging, "signal"},
      {"data/data/com.snapchat.android/files/file_manager/chat_snap/abc", Origin::messaging, "snapchat"},
      {"sdcard/Pictures/Instagram/IMG_1.jpg", Origin::messaging_sent, "instagram"},
      {"sdcard/Pictures/Messenger/received_1.jpeg", Origin::messaging, "messenger"},
      {"data/data/com.discord/cache/http-cache/abc.1", Origin::messaging, "discord"},
      {"sdcard/DCIM/Kik/0f1e.jpg", Origin::messaging, "kik"},
      {"sdcard/Download/photo.jpg", Origin::download, ""},
      {"data/data/com.android.chrome/cache/Cache/abc_0", Origin::web_cache, "chrome"},
      {"data/data/com.sec.android.app.sbrowser/cache/Cache/abc_0", Origin::web_cache, "samsung_internet"},
      {"sdcard/DCIM/.thumbnails/1700000000000.jpg", Origin::thumbnail_cache, "android_media"},
      {"private/var/mobile/Media/DCIM/100APPLE/IMG_0001.HEIC", Origin::camera, ""},
      {"private/var/mobile/Media/PhotoData/Thumbnails/V2/DCIM/100APPLE/IMG_0001.JPG/5005.JPG",
       Origin::thumbnail_cache, "apple_photos"},
      {"private/var/mobile/Containers/Shared/AppGroup/UUID/Message/Media/447@s.whatsapp.net/a/b/x.jpg",
       Origin::messaging, "whatsapp"},
      {"Users/alice/Pictures/Camera Roll/WIN_20240101.jpg", Origin::camera, ""},
      {"Users/alice/Pictures/Screenshots/Screenshot 2024.png", Origin::screenshot, ""},
      {"Users/alice/OneDrive/Pictures/a.jpg", Origin::cloud_sync, "onedrive"},
      {"Users/alice/Pictures/iCloud Photos/Photos/IMG_1.jpg", Origin::cloud_sync, "icloud"},
      {"Users/alice/AppData/Local/Google/Chrome/User Data/Default/Cache/Cache_Data/f_000001", Origin::web_cache,
       "chrome"},
      {"Users/alice/AppData/Local/Microsoft/Edge/User Data/Default/Cache/Cache_Data/f_000001", Origin::web_cache,
       "edge"},
      {"Users/alice/AppData/Local/Mozilla/Firefox/Profiles/x.default/cache2/entries/0123ABCD", Origin::web_cache,
       "firefox"},
      {"Users/alice/AppData/Local/Microsoft/Windows/Explorer/thumbcache_256.db", Origin::thumbnail_cache,
       "windows_explorer"},
      {"Users/alice/Downloads/a.jpg", Origin::download, ""},
      {"Users/bob/Pictures/Photos Library.photoslibrary/originals/A/A1B2.heic", Origin::cloud_sync, "apple_photos"},
      {"Users/bob/Desktop/Screenshot 2024-01-01 at 12.00.00.png", Origin::screenshot, ""},
      {"Users/bob/Library/Caches/com.apple.Safari/fsCachedData/ABCD", Origin::web_cache, "safari"},
      {"Users/bob/Library/Caches/Google/Chrome/Default/Cache/Cache_Data/f_01", Origin::web_cache, "chrome"},
      {"Users/bob/Downloads/b.png", Origin::download, ""},
  };
  for (const Expect& e : expected) {
    CAPTURE(e.path);
    const OriginRule* rule = rules.match(e.path);
    REQUIRE(rule != nullptr);
    CHECK(to_string(rule->origin) == std::string(to_string(e.origin)));
    CHECK(rule->app == e.app);
  }
  // Overlapping rules: the more specific one decides.
  CHECK(id_of(rules, "sdcard/WhatsApp/Media/WhatsApp Images/Sent/IMG-1.jpg") == "android.whatsapp.images.sent");
  CHECK(id_of(rules, "Users/alice/OneDrive/Pictures/Camera Roll/2024/a.jpg") == "windows.onedrive.camera_roll");
  CHECK(id_of(rules, "Users/alice/Pictures/Screenshots/Screenshot 1.png") == "windows.screenshot.pictures");
  CHECK(id_of(rules, "data/data/com.snapchat.android/files/file_manager/memories_thumbnail/9B2C") ==
        "android.snapchat.memories_thumbnail");
  CHECK(id_of(rules, "Users/alice/Library/Caches/com.apple.Safari/Webpage Previews/4F1C.jpeg") ==
        "macos.safari.webpage_previews");
  CHECK(id_of(rules, "Users/alice/Documents/holiday.jpg") == "none");
}

TEST_CASE("origin rules of the examiner's: listed first, replacing a built-in rule of the same id; errors name the rule") {
  const std::string user = R"({"rules_format": "triage-origin-rules/1", "rules": [
    {"id": "android.camera.dcim", "path": "**/DCIM/Camera", "origin": "cloud_sync", "app": "lab_sync",
     "source": "https://example.org/lab-note"},
    {"id": "lab.case.folder", "path": "**/Evidence/Chats", "origin": "messaging_received", "app": "lab_app",
     "source": "https://example.org/lab-note"}]})";
  const OriginRuleSet rules = origin_rules_in_force(user, "lab.json");
  const OriginRule* replaced = rules.match("sdcard/DCIM/Camera/a.jpg");
  REQUIRE(replaced != nullptr);
  CHECK(replaced->app == "lab_sync");
  CHECK(id_of(rules, "x/Evidence/Chats/a.jpg") == "lab.case.folder");
  CHECK(rules.rules().size() == origin_rules_in_force("", "").rules().size() + 1);

  auto refused = [](const std::string& text) {
    try {
      (void)origin_rules_in_force(text, "bad.json");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused("{").find("bad.json' are not valid JSON") != std::string::npos);
  CHECK(refused(R"({"rules": []})").find("rules_format") != std::string::npos);
  CHECK(refused(R"({"rules_format": "triage-origin-rules/1", "rules": [{"id": "x.y", "path": "**/a",
      "origin": "selfie", "source": "s"}]})")
            .find("rule 1 ('x.y'): unknown origin 'selfie'") != std::string::npos);
  CHECK(refused(R"({"rules_format": "triage-origin-rules/1", "rules": [{"id": "x.y", "path": "/abs",
      "origin": "camera", "source": "s"}]})")
            .find("'x.y'") != std::string::npos);
  CHECK(refused(R"({"rules_format": "triage-origin-rules/1", "rules": [{"path": "**/a", "origin": "camera"}]})")
            .find("needs 'id'") != std::string::npos);
}

}  // namespace triage
