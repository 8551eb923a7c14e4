#include "core/provenance/origin_rules.h"

#include <algorithm>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>

#include "core/provenance/path_glob.h"

namespace triage {

struct OriginRuleSet::Compiled {
  std::optional<PathGlob> dir;
  std::optional<std::regex> regex;
  std::size_t specificity = 0;
};

namespace {

std::size_t regex_literals(std::string_view pattern) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;  // an escape: "\d" is no literal, "\." is punctuation
      continue;
    }
    const char c = pattern[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ++count;
  }
  return count;
}

}  // namespace

OriginRuleSet::OriginRuleSet() = default;
OriginRuleSet::OriginRuleSet(OriginRuleSet&&) noexcept = default;
OriginRuleSet& OriginRuleSet::operator=(OriginRuleSet&&) noexcept = default;
OriginRuleSet::~OriginRuleSet() = default;

OriginRuleSet::OriginRuleSet(std::vector<OriginRule> rules) : rules_(std::move(rules)) {
  std::set<std::string> ids;
  for (const auto& rule : rules_) {
    auto fail = [&](const std::string& why) { throw std::invalid_argument("origin rule '" + rule.id + "': " + why); };
    if (rule.id.empty()) throw std::invalid_argument("an origin rule has no id");
    if (!ids.insert(rule.id).second) fail("the id appears twice");
    Compiled c;
    if (!rule.regex.empty()) {
      if (!rule.path.empty() || !rule.name.empty()) fail("a rule has either a regex or path and name, not both");
      try {
        c.regex.emplace(rule.regex, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
      } catch (const std::regex_error& e) {
        fail(std::string("regex does not compile: ") + e.what());
      }
      c.specificity = regex_literals(rule.regex);
    } else {
      if (rule.path.empty()) fail("needs a path pattern or a regex");
      std::string error;
      c.dir = PathGlob::compile(rule.path, &error);
      if (!c.dir) fail(error);
      if (rule.name.find('/') != std::string::npos) fail("the name pattern holds a '/'");
      c.specificity = c.dir->literal_count();
      for (const char ch : rule.name)
        if (ch != '*' && ch != '?') ++c.specificity;
    }
    compiled_.push_back(std::move(c));
  }
  by_specificity_.resize(rules_.size());
  for (std::size_t i = 0; i < by_specificity_.size(); ++i) by_specificity_[i] = i;
  std::stable_sort(by_specificity_.begin(), by_specificity_.end(),
                   [&](std::size_t a, std::size_t b) { return compiled_[a].specificity > compiled_[b].specificity; });
}

std::size_t OriginRuleSet::specificity(std::size_t index) const { return compiled_.at(index).specificity; }

const OriginRule* OriginRuleSet::match(std::string_view path) const {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const auto slash = path.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto parts = split_path_components(dir);
  // Most specific first (ties in the order listed): the first rule that matches decides.
  for (const std::size_t i : by_specificity_) {
    const Compiled& c = compiled_[i];
    const bool hit = c.regex ? std::regex_match(path.begin(), path.end(), *c.regex)
                             : (rules_[i].name.empty() || glob_component_matches(rules_[i].name, name)) &&
                                   c.dir->matches(parts);
    if (hit) return &rules_[i];
  }
  return nullptr;
}

}  // namespace triage
