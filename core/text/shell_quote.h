#pragma once
// An argument as a POSIX shell reads it back: as it is when it holds only characters no shell
// treats specially, else in single quotes (a quote inside written '\'').
#include <string>
#include <string_view>

namespace triage {

std::string shell_quoted(std::string_view arg);

}  // namespace triage
