#pragma once
// Origin rules: data that says what a location tells about how a picture got there (the built-in
// set is samples/rules/origin.json; formats/rules/ reads the JSON). A rule matches the path
// inside the file system: a directory glob and optionally a file-name glob, or an anchored,
// case-insensitive ECMAScript regex over the whole path. Of the rules that match, the most
// specific wins: the most literal characters (for a regex, the letters and digits not escaped),
// ties to the rule listed first.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/provenance/origin.h"

namespace triage {

struct OriginRule {
  std::string id;        // "android.whatsapp.images.received"
  std::string platform;  // "android", "ios", "windows", "macos"...
  std::string path;      // directory glob (path_glob.h), or empty with a regex
  std::string name;      // file-name glob; empty: any name
  std::string regex;     // instead of path and name
  Origin origin = Origin::unknown;
  std::string app;       // "whatsapp"; empty when the rule names none
  std::string source;    // the public reference for the layout
  std::string example;   // a path this rule must decide (the tests check every one)
};

class OriginRuleSet {
 public:
  OriginRuleSet();
  // Throws std::invalid_argument naming the rule when a pattern does not compile or an id repeats.
  explicit OriginRuleSet(std::vector<OriginRule> rules);
  OriginRuleSet(OriginRuleSet&&) noexcept;
  OriginRuleSet& operator=(OriginRuleSet&&) noexcept;
  ~OriginRuleSet();

  // The rule that decides `path` (a path inside a file system, '/'-separated; a leading '/' is
  // ignored), or null when none matches.
  const OriginRule* match(std::string_view path) const;
  const std::vector<OriginRule>& rules() const { return rules_; }
  std::size_t specificity(std::size_t index) const;

 private:
  struct Compiled;
  std::vector<OriginRule> rules_;
  std::vector<Compiled> compiled_;
  std::vector<std::size_t> by_specificity_;  // rule indices, most specific first, ties in listed order
};

}  // namespace triage
