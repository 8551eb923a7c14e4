#pragma once
// CASE_DIR/items.csv: one row per item, the JSON Lines keys flattened (exif.make -> exif_make).
#include <string>

#include "core/item.h"

namespace triage {

std::string items_csv_header();
void append_item_csv_row(std::string& out, const ItemRecord& item);

}  // namespace triage
