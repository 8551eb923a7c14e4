#pragma once
// CASE_DIR/review.html: the review page, apart from the court report. One self-contained page
// for grading the media no hash set categorised: inline script, style and data, thumbnails read
// from thumbs/ beside it, and a Content-Security-Policy that allows nothing else (no request
// leaves the machine). Grades leave it as a grades.csv download for `triage grade --import`.
// The same case gives the same bytes.
#include "formats/report/output_sink.h"
#include "formats/report/report_model.h"

namespace triage {

void write_review_html(const CaseReport& report, OutputSink& sink);

}  // namespace triage
