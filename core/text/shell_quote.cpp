#include "core/text/shell_quote.h"

namespace triage {

std::string shell_quoted(std::string_view arg) {
  constexpr std::string_view kPlain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-@%";
  if (!arg.empty() && arg.find_first_not_of(kPlain) == std::string_view::npos) return std::string(arg);
  std::string out = "'";
  for (const char c : arg) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace triage
