#include "app/walk_settings.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>

#include "formats/archive/archive_opener.h"
#include "formats/image/image_decoder.h"

namespace triage {

WalkSettings walk_settings(const ScanJobOptions& o, StopToken stop) {
  WalkSettings w;
  w.policy.all_files = o.all_files;
  w.policy.stop = stop;
  if (o.provenance)  // a phone's Photos.sqlite is tens to hundreds of MB
    w.policy.device_database_read_limit = std::size_t{1} << 30;
  if (o.archives) {
    ArchiveOptions archive;
    archive.max_depth = o.archive_depth;
    archive.max_ratio = o.max_expand_ratio;
    archive.max_expand = o.max_expand;
    archive.passwords = o.archive_passwords;
    archive.spool_dir = o.case_dir;
    archive.extraction_root = o.extraction_root;
    w.policy.containers = std::make_shared<ArchiveOpener>(std::move(archive));
  }
  w.tsk.carve = o.carve;
  w.tsk.stage_budget = std::chrono::milliseconds(static_cast<std::int64_t>(o.stage_timeout * 1000));
  w.tsk.carved_image_decodes = image_decode_failure;
  w.tsk.parents.given = o.parents;
  w.tsk.keys = o.keys;
  return w;
}

ScanJobOptions recorded_walk_options(const std::string& options_json) {
  ScanJobOptions o;
  try {
    const auto j = nlohmann::json::parse(options_json);
    o.all_files = j.value("all_files", o.all_files);
    o.provenance = j.value("provenance", o.provenance);
    o.archives = j.value("archives", o.archives);
    o.archive_depth = j.value("archive_depth", o.archive_depth);
    o.max_expand_ratio = j.value("max_expand_ratio", o.max_expand_ratio);
    o.max_expand = j.value("max_expand", o.max_expand);
    o.extraction_root = j.value("extraction_root", o.extraction_root);
    o.carve = j.value("carve", o.carve);
    o.stage_timeout = j.value("stage_timeout", o.stage_timeout);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("the scan's recorded options cannot be read: ") + e.what());
  }
  return o;
}

}  // namespace triage
