#include <sqlite3.h>

#include "formats/sqlite/sqlite_handle.h"

namespace triage::sqlite {

std::string library_version() { return sqlite3_libversion(); }

}  // namespace triage::sqlite
