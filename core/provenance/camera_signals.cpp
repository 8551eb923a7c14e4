#include "core/provenance/camera_signals.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace triage {
namespace {

std::string trimmed_field(const std::optional<std::string>& value) {
  if (!value) return {};
  std::string_view text = *value;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  std::string out(text);
  std::replace(out.begin(), out.end(), '|', '/');
  return out;
}

}  // namespace

std::optional<std::string> camera_id_of(const ExifFields& exif) {
  const std::string make = trimmed_field(exif.make), model = trimmed_field(exif.model);
  if (make.empty() && model.empty()) return std::nullopt;
  const std::string serial = trimmed_field(exif.serial);
  auto part = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  return part(make) + "|" + part(model) + "|" + part(serial);
}

std::optional<bool> front_camera_of(const ExifFields& exif) {
  if (!exif.lens_model) return std::nullopt;
  // Whole words, any case: Apple writes "front camera", "front TrueDepth camera", "back camera",
  // "back dual wide camera"; other makers "Front Camera", "rear camera". A facing word counts
  // when "camera" follows it.
  std::vector<std::string> words(1);
  for (const char c : *exif.lens_model) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (letter) {
      words.back() += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else if (!words.back().empty()) {
      words.emplace_back();
    }
  }
  bool says_front = false, says_back = false, camera_after = false;
  for (auto word = words.rbegin(); word != words.rend(); ++word) {  // from the end: "camera" seen first
    if (*word == "camera") camera_after = true;
    if (!camera_after) continue;
    says_front = says_front || *word == "front";
    says_back = says_back || *word == "back" || *word == "rear";
  }
  if (says_front == says_back) return std::nullopt;  // neither, or both: not stated
  return says_front;
}

bool exif_stripped(const ExifFields& exif, std::string_view mime) {
  if (mime != "image/jpeg") return false;
  return !exif.make && !exif.model && !exif.serial && !exif.lens_model && !exif.datetime_original &&
         !exif.datetime_digitized && !exif.gps_lat && !exif.gps_lon && !exif.gps_datetime;
}

}  // namespace triage
