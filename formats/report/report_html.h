#pragma once
// CASE_DIR/report.html: the court report. One self-contained file (inline CSS and SVG, no
// script, no external request), A4 print rules, every evidence-derived string escaped by
// html_text. The same case gives the same bytes.
#include <string>

#include "formats/report/output_sink.h"
#include "formats/report/report_model.h"

namespace triage {

// The run-metadata block (times, command line, jobs) lies between these two comments, so a
// comparison of two scans of the same evidence can leave it out.
inline constexpr const char* kRunMetadataBegin = "<!--run-metadata-->";
inline constexpr const char* kRunMetadataEnd = "<!--/run-metadata-->";

void write_report_html(const CaseReport& report, OutputSink& sink);
std::string render_report_html(const CaseReport& report);  // the same, as one string

}  // namespace triage
