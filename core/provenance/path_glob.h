#pragma once
// Case-insensitive globs over '/'-separated paths, the origin rules' patterns (see
// samples/rules/origin.json): '*' is any run of characters within one component, '?' one
// character, and '**' as a whole component zero or more components. Case folds ASCII only:
// app and OS folder names are ASCII, and a byte outside it must match itself.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace triage {

// The components of a '/'-separated path ("a//b/" is a, b), views into `path`.
std::vector<std::string_view> split_path_components(std::string_view path);

// One component's pattern against one name ('*', '?'; no '/').
bool glob_component_matches(std::string_view pattern, std::string_view name);

class PathGlob {
 public:
  // nullopt (and `error` set) for a pattern that is empty, starts with '/' or uses '**' inside a
  // component.
  static std::optional<PathGlob> compile(std::string_view pattern, std::string* error);
  // Whether the whole of `path` ('/'-separated, no leading '/') matches.
  bool matches(std::string_view path) const;
  // The same over a path already split into its components (split_path_components).
  bool matches(std::span<const std::string_view> parts) const;
  // The characters that are not wildcards: how specific the pattern is.
  std::size_t literal_count() const { return literals_; }

 private:
  std::vector<std::string> components_;  // "**" kept as is
  std::size_t literals_ = 0;
};

}  // namespace triage
