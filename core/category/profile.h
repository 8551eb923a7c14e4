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
  // The code review.html's "not indecent" key grades with (a category of the profile); empty: none.
  std::string not_indecent_code;

  const CategoryDef* find(std::string_view code) const;
  // Severities for the three labels above come after every profile category.
  int uncategorised_severity() const;
};

// What decided an item's category: a profile category (from an alert set's code), nothing
// (uncategorised: needs grading; also an alert code the profile does not know), a known-good set
// or an ignore set. categorise records it as the severity, after every profile category in that
// order, and case.db keeps the severity: the kind is read back from it, never from a label, which
// a profile may word as it likes.
enum class CategoryKind { profile_category, uncategorised, known_good, ignored };
CategoryKind category_kind(const CategoryProfile& profile, const ItemCategory& category);
// An exact hash-set match decided the category (a profile category, known good or ignored): an
// analyst grade then only agrees or disagrees. Otherwise (none, uncategorised, or probable by a
// PDQ match only) the item is one a grade applies to.
bool decided_by_hash_sets(const CategoryProfile& profile, const std::optional<ItemCategory>& category);
// Known good or ignored: left out of the categories and their counts.
inline bool excluded_kind(CategoryKind kind) { return kind == CategoryKind::known_good || kind == CategoryKind::ignored; }

// One category per item from its matches: the most severe alert category wins (a
// disagreement between sets is recorded as a conflict); known-good and ignore sets apply
// only when no alert set matched. Media with no match are uncategorised; other files with
// no match get no category.
std::optional<ItemCategory> categorise(const CategoryProfile& profile, const std::vector<ItemMatch>& matches,
                                       MediaType media_type);

}  // namespace triage
