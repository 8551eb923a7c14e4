#pragma once
// CASE_DIR/report.json: the report model as JSON, schema "triage-report/2" (documented by
// formats/report/report.schema.json). Keys in a fixed order; the same case gives the same bytes.
#include <string>

#include "formats/report/output_sink.h"
#include "formats/report/report_model.h"

namespace triage {

inline constexpr const char* kReportJsonSchema = "triage-report/2";

void write_report_json(const CaseReport& report, OutputSink& sink);
std::string render_report_json(const CaseReport& report);  // the same, as one string

}  // namespace triage
