#include "formats/rules/origin_rules_loader.h"

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace triage {

extern const std::string_view kBuiltinOriginRules;

std::string_view builtin_origin_rules_text() { return kBuiltinOriginRules; }

namespace {

std::string text_of(const nlohmann::json& rule, const char* key, bool required) {
  if (!rule.contains(key) || rule[key].is_null()) {
    if (required) throw std::runtime_error(std::string("needs '") + key + "'");
    return {};
  }
  if (!rule[key].is_string()) throw std::runtime_error(std::string("'") + key + "' must be a string");
  return rule[key].get<std::string>();
}

}  // namespace

std::vector<OriginRule> parse_origin_rules_text(const std::string& text, const std::string& origin) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("origin rules '" + origin + "' are not valid JSON: " + e.what());
  }
  if (!doc.is_object() || doc.value("rules_format", "") != "triage-origin-rules/1")
    throw std::runtime_error("origin rules '" + origin + "': \"rules_format\" must be \"triage-origin-rules/1\"");
  if (!doc.contains("rules") || !doc["rules"].is_array())
    throw std::runtime_error("origin rules '" + origin + "': \"rules\" must be an array");
  std::vector<OriginRule> rules;
  std::size_t index = 0;
  for (const auto& j : doc["rules"]) {
    ++index;
    OriginRule rule;
    try {
      if (!j.is_object()) throw std::runtime_error("must be an object");
      rule.id = text_of(j, "id", true);
      rule.platform = text_of(j, "platform", false);
      rule.path = text_of(j, "path", false);
      rule.name = text_of(j, "name", false);
      rule.regex = text_of(j, "regex", false);
      const std::string origin_text = text_of(j, "origin", true);
      const auto parsed = parse_origin(origin_text);
      if (!parsed) throw std::runtime_error("unknown origin '" + origin_text + "'");
      rule.origin = *parsed;
      rule.app = text_of(j, "app", false);
      rule.source = text_of(j, "source", true);
      rule.example = text_of(j, "example", false);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("origin rules '" + origin + "', rule " + std::to_string(index) +
                               (rule.id.empty() ? "" : " ('" + rule.id + "')") + ": " + e.what());
    }
    rules.push_back(std::move(rule));
  }
  try {
    OriginRuleSet check(rules);  // patterns compile, ids unique
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("origin rules '" + origin + "': " + e.what());
  }
  return rules;
}

OriginRuleSet origin_rules_in_force(const std::string& user_rules_text, const std::string& user_rules_name) {
  std::vector<OriginRule> rules;
  if (!user_rules_text.empty()) rules = parse_origin_rules_text(user_rules_text, user_rules_name);
  std::set<std::string> ids;
  for (const auto& rule : rules) ids.insert(rule.id);
  for (auto& rule : parse_origin_rules_text(std::string(kBuiltinOriginRules), "built-in"))
    if (!ids.contains(rule.id)) rules.push_back(std::move(rule));
  return OriginRuleSet(std::move(rules));
}

}  // namespace triage
