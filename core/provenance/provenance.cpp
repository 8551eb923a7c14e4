#include "core/provenance/provenance.h"

#include <algorithm>

#include "core/evidence/evidence_path.h"
#include "core/provenance/camera_signals.h"
#include "core/provenance/origin_rules.h"

namespace triage {

Provenance assess_item(const OriginRuleSet* rules, std::string_view path_inside, const ExifFields& exif,
                       std::string_view mime) {
  Provenance p;
  if (const OriginRule* rule = rules != nullptr ? rules->match(path_inside) : nullptr) {
    p.origin = rule->origin;
    p.app = rule->app;
    p.rule = rule->id;
    p.signals.push_back(rule->regex.empty()
                            ? "path:" + rule->path + (rule->name.empty() ? "" : "/" + rule->name)
                            : "path~" + rule->regex);
  }
  p.camera_id = camera_id_of(exif);
  if (exif.make) p.signals.push_back("exif:Make " + *exif.make);
  if (exif.model) p.signals.push_back("exif:Model " + *exif.model);
  if (exif.serial) p.signals.push_back("exif:SerialNumber " + *exif.serial);
  p.front_camera = front_camera_of(exif);
  if (exif.lens_model) p.signals.push_back("exif:LensModel " + *exif.lens_model);
  if (exif.software) p.signals.push_back("exif:Software " + *exif.software);
  p.stripped = exif_stripped(exif, mime);
  if (p.stripped) p.signals.push_back("exif:no camera fields (stripped)");
  return p;
}

std::string rule_location(const ItemRecord& item, std::string_view source_root, bool folder_source) {
  if (!item.fs.device_path.empty()) return item.fs.device_path;
  const auto path = EvidencePath::parse(item.path, source_root, folder_source);
  if (!path) return {};
  if (!path->members().empty()) return path->members().back();
  if (path->carved_offset()) return {};
  return path->path_inside();
}

std::string signals_text(const std::vector<std::string>& signals) {
  std::string out;
  for (std::size_t n = 0; n < signals.size(); ++n) {
    const std::string& signal = signals[n];
    if (n > 0) out += '\n';
    for (const char c : signal) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
  }
  return out;
}

std::vector<std::string> signals_from_text(std::string_view text) {
  std::vector<std::string> signals;
  if (text.empty()) return signals;
  signals.emplace_back();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      signals.emplace_back();
    } else if (c == '\\' && i + 1 < text.size()) {
      signals.back() += text[++i] == 'n' ? '\n' : text[i];
    } else {
      signals.back() += c;
    }
  }
  return signals;
}

OwnCameras OwnCameras::named(std::vector<std::string> names) {
  OwnCameras own;
  own.named_ = true;
  own.ids_ = std::move(names);
  return own;
}

void OwnCameras::count_camera_roll(const std::string& camera_id, std::size_t items) {
  auto it = std::find_if(counts_.begin(), counts_.end(), [&](const auto& c) { return c.first == camera_id; });
  if (it == counts_.end()) {
    counts_.emplace_back(camera_id, items);
  } else {
    it->second += items;
  }
}

void OwnCameras::finish() {
  if (named_) return;
  std::size_t total = 0;
  for (const auto& c : counts_) total += c.second;
  ids_.clear();
  for (const auto& c : counts_)
    if (c.second * 4 >= total) ids_.push_back(c.first);
  std::sort(ids_.begin(), ids_.end());
}

bool OwnCameras::contains(const std::string& camera_id) const {
  // A name without a serial ("Apple|iPhone 12") covers every serial of that make and model.
  return std::any_of(ids_.begin(), ids_.end(), [&](const std::string& own) {
    return camera_id == own || (camera_id.size() > own.size() && camera_id.starts_with(own) && camera_id[own.size()] == '|');
  });
}

void decide_indicator(Provenance& p, const OwnCameras& own) {
  p.own_camera.reset();
  std::erase_if(p.signals, [](const std::string& s) { return s.starts_with("camera:"); });  // decided again
  if (p.camera_id && own.known()) {
    p.own_camera = own.contains(*p.camera_id);
    p.signals.push_back(std::string(*p.own_camera ? "camera:own" : "camera:other") +
                        (own.is_named() ? " (named by the examiner)" : " (camera-roll majority)"));
  }
  if (p.own_camera == true && p.front_camera == true) {
    p.indicator = OriginIndicator::captured_on_device_front_camera;
  } else if (p.own_camera == true) {
    p.indicator = OriginIndicator::captured_on_device;
  } else if (p.own_camera == false) {
    p.indicator = OriginIndicator::captured_on_other_device;
  } else if (p.origin == Origin::messaging_received || p.origin == Origin::web_cache || p.origin == Origin::download) {
    p.indicator = OriginIndicator::received;
  } else {
    p.indicator = OriginIndicator::unknown;
  }
}

}  // namespace triage
