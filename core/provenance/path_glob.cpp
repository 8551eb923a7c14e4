#include "core/provenance/path_glob.h"

#include <algorithm>
#include <array>

namespace triage {
namespace {

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::vector<std::string_view> split_path_components(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::size_t start = 0;
  while (start <= path.size() && !path.empty()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) parts.push_back(path.substr(start, end - start));  // "a//b" is "a/b"
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool glob_component_matches(std::string_view pattern, std::string_view name) {
  // The usual linear wildcard match: on a mismatch, let the last '*' swallow one more character.
  std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || fold(pattern[p]) == fold(name[n]))) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<PathGlob> PathGlob::compile(std::string_view pattern, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<PathGlob> {
    if (error != nullptr) *error = std::string("path pattern '") + std::string(pattern) + "' " + why;
    return std::nullopt;
  };
  if (pattern.empty()) return fail("is empty");
  if (pattern.front() == '/') return fail("must not start with '/' (it matches the path inside the file system)");
  PathGlob glob;
  for (const auto part : split_path_components(pattern)) {
    if (part != "**" && part.find("**") != std::string_view::npos) return fail("uses '**' inside a component");
    for (const char c : part)
      if (c != '*' && c != '?') ++glob.literals_;
    glob.components_.emplace_back(part);
  }
  return glob;
}

bool PathGlob::matches(std::string_view path) const { return matches(split_path_components(path)); }

bool PathGlob::matches(std::span<const std::string_view> parts) const {
  // reach[j]: the pattern components read so far can match exactly the first j path components.
  // On the stack for the paths met in practice; a deeper one gets the heap.
  constexpr std::size_t kOnStack = 64;
  std::array<char, kOnStack + 1> reach_stack{}, next_stack{};
  std::vector<char> reach_heap, next_heap;
  char* reach = reach_stack.data();
  char* next = next_stack.data();
  if (parts.size() > kOnStack) {
    reach_heap.assign(parts.size() + 1, 0);
    next_heap.assign(parts.size() + 1, 0);
    reach = reach_heap.data();
    next = next_heap.data();
  }
  reach[0] = 1;
  for (const auto& component : components_) {
    std::fill(next, next + parts.size() + 1, 0);
    if (component == "**") {
      char any = 0;
      for (std::size_t j = 0; j <= parts.size(); ++j) {
        any = static_cast<char>(any | reach[j]);
        next[j] = any;
      }
    } else {
      bool alive = false;
      for (std::size_t j = 0; j < parts.size(); ++j) {
        if (reach[j] && glob_component_matches(component, parts[j])) {
          next[j + 1] = 1;
          alive = true;
        }
      }
      if (!alive) return false;  // no way on: most rules end here, at their first literal folder
    }
    std::swap(reach, next);
  }
  return reach[parts.size()] != 0;
}

}  // namespace triage
