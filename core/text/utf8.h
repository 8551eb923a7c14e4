#pragma once
// Evidence paths are raw bytes; outputs are UTF-8. These helpers keep both honest.
#include <string>
#include <string_view>

namespace triage {

bool is_valid_utf8(std::string_view bytes);

// Valid UTF-8 copy of the bytes: each invalid byte becomes U+FFFD.
std::string to_utf8_lossy(std::string_view bytes);

}  // namespace triage
