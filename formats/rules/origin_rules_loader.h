#pragma once
// Origin rules from JSON (format "triage-origin-rules/1"): the built-in set
// (samples/rules/origin.json, compiled in) and an examiner's file (--origin-rules).
#include <string>
#include <string_view>
#include <vector>

#include "core/provenance/origin_rules.h"

namespace triage {

// The built-in rules' JSON text, as compiled in.
std::string_view builtin_origin_rules_text();

// The rules of one JSON text; `origin` names it in errors. Throws std::runtime_error naming the
// rule and the problem (unknown origin, missing field, a pattern that does not compile...).
std::vector<OriginRule> parse_origin_rules_text(const std::string& text, const std::string& origin);

// The rules in force: an examiner's rules (their JSON text; empty for none) before the built-in
// ones, a rule of theirs replacing the built-in rule of the same id. Throws std::runtime_error.
OriginRuleSet origin_rules_in_force(const std::string& user_rules_text, const std::string& user_rules_name);

}  // namespace triage
