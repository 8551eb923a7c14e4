#pragma once
// The items table of case.db described once: each column's name, how an ItemRecord is bound to
// it and how it is read back. The insert, the select and their bind and read positions are all
// made from this table, so a column cannot be bound at one position and read at another.
#include <functional>
#include <span>
#include <string_view>
#include <string>

#include "core/item.h"
#include "formats/sqlite/sqlite_handle.h"

namespace triage {

struct ItemColumn {
  const char* name;
  void (*bind)(sqlite::Statement& s, int index, const ItemRecord& item);
  void (*read)(const sqlite::Statement& q, int column, ItemRecord& item);
};

// In table order; the first is id (the item's walk position).
std::span<const ItemColumn> item_columns();

// "id, source_index, path, ...": the select list (and, after run_id, the insert list).
const std::string& item_column_list();

// The select list for a case whose items table may lack columns added later (read-only opens
// of an older case): NULL in their place.
std::string item_select_list(const std::function<bool(std::string_view)>& present);

// Binds every column of `item` from parameter `first` on.
void bind_item(sqlite::Statement& s, int first, const ItemRecord& item);

// The item of the current row of `q`, a SELECT of item_column_list() (matches, video facts and
// problems are other tables' and are not read here).
ItemRecord read_item_row(const sqlite::Statement& q);

}  // namespace triage
