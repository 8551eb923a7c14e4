#pragma once
// PostgreSQL connection URLs as `--db` gives them (no libpq header: the command line includes this).
#include <string>
#include <string_view>

namespace triage::pg {

// Whether `lab` names a PostgreSQL database (a postgresql:// or postgres:// URL) rather than a file.
bool is_url(std::string_view lab);

// `url` with its password (user:PASSWORD@ or a password= parameter) replaced by "***": what
// messages may show.
std::string redacted_url(std::string_view url);

}  // namespace triage::pg
