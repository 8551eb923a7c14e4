#pragma once
// CASE_DIR/export.vics.json: the case's still images and videos as a Project VIC / VICS 2.0
// export of shape #Cases, for other tools and the national database. See man/triage.1, VICS
// EXPORT, for the keys and the rules (which items, which category).
#include <string>

#include "formats/report/output_sink.h"
#include "formats/report/report_model.h"

namespace triage {

// The OData context of the export (VICS 2.0, custom model: the codes are the profile's).
inline constexpr const char* kVicsExportContext =
    "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/CUSTOM/$metadata#Cases";

enum class VicsScope {
  all,          // every still image and video that is not excluded, with its files
  graded_only,  // only media with an analyst grade (triage grade), hashes only: no file, no path
};

// One Case with one Media per distinct SHA-1 (first-found order) and one MediaFile per instance.
// Known-good and ignored items are left out; a category decided by a PDQ match only is exported
// as 0 (not graded), because a probable match is not a grade.
void write_vics_export(const CaseReport& report, OutputSink& sink, VicsScope scope = VicsScope::all);

}  // namespace triage
