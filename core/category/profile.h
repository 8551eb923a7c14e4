#pragma once
// Categories are data: a profile maps hash-set category codes to labels, a severity order
// and summary groups. Nothing about national codes is hard-coded here.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"

namespace triage {

struct CategoryDef {
  std::string code;        // the code as hash sets carry it ("1", "A", ...)
  std::string label;       // what reports print ("Category A")
  int severity = 0;        // 1 = most severe; reports sort by it
  std::string group;       // summary group ("indecent", "other", ...)
  std::string definition;  // one sentence for the report's definitions note
};

struct CategoryProfile {
  std::string name;   // "uk", "vics-us", or the file's own name
  std::string title;  // "United Kingdom (CAID grading)"
  std::vector<CategoryDef> categories;
  std::string uncategorised_label = "Uncategorised";  // media that matched nothing: needs grading
  std::string known_good_label = "Known good";         // matched a known-good set only
  std::string ignored_label = "Ignored";               // matched an ignore set only

  const CategoryDef* find(std::string_view code) const;
  // Severities for the three labels above come after every profile category.
  int uncategorised_severity() const;
};

// One category per item from its matches: the most severe alert category wins (a
// disagreement between sets is recorded as a conflict); known-good and ignore sets apply
// only when no alert set matched. Media with no match are uncategorised; other files with
// no match get no category.
std::optional<ItemCategory> categorise(const CategoryProfile& profile, const std::vector<ItemMatch>& matches,
                                       MediaType media_type);

}  // namespace triage
