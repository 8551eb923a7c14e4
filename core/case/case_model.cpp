#include "core/case/case_model.h"

namespace triage {

const char* to_string(SourceKind kind) {
  switch (kind) {
    case SourceKind::directory: return "directory";
    case SourceKind::disk_image: return "disk_image";
    case SourceKind::block_device: return "block_device";
    case SourceKind::archive: return "archive";
  }
  return "directory";
}

std::optional<SourceKind> parse_source_kind(std::string_view text) {
  for (const SourceKind kind : {SourceKind::directory, SourceKind::disk_image, SourceKind::block_device, SourceKind::archive})
    if (text == to_string(kind)) return kind;
  return std::nullopt;
}

const char* to_string(Integrity integrity) {
  switch (integrity) {
    case Integrity::not_applicable: return "not_applicable";
    case Integrity::skipped: return "skipped";
    case Integrity::pending: return "pending";
    case Integrity::verified: return "verified";
    case Integrity::changed: return "changed";
    case Integrity::unreadable: return "unreadable";
    case Integrity::not_verified: return "not_verified";
    case Integrity::acquisition_mismatch: return "acquisition_mismatch";
  }
  return "not_applicable";
}

std::optional<Integrity> parse_integrity(std::string_view text) {
  for (const Integrity i : {Integrity::not_applicable, Integrity::skipped, Integrity::pending, Integrity::verified,
                            Integrity::changed, Integrity::unreadable, Integrity::not_verified,
                            Integrity::acquisition_mismatch})
    if (text == to_string(i)) return i;
  return std::nullopt;
}

bool integrity_failed(Integrity integrity) {
  return integrity == Integrity::changed || integrity == Integrity::unreadable ||
         integrity == Integrity::acquisition_mismatch;
}

}  // namespace triage
