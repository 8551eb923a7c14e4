#pragma once
// The analyst-graded items as a hash bank for removal: python-threatexchange's local file
// exchange format (facebook/ThreatExchange, python-threatexchange/threatexchange/exchanges/impl/
// file_api.py: one "<signal_type> <signal>" per line, split at the first space), which a
// Hasher-Matcher-Actioner / Open Media Match bank loads and platforms can match against.
#include "formats/report/output_sink.h"
#include "formats/report/report_model.h"

namespace triage {

// One line per distinct signal, in walk order of first appearance: "pdq <64 hex>" for a graded
// still image with a PDQ hash, "video_md5 <32 hex>" for a graded video (the signal type names are
// the library's SignalType.get_name() of PdqSignal and VideoMD5Signal). Only grades into a
// profile category outside the "other" group (indecent or pertinent material) are written: an
// item graded not indecent is never offered for removal.
void write_hash_bank(const CaseReport& report, OutputSink& sink);

}  // namespace triage
