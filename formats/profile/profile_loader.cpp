#include "formats/profile/profile_loader.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

namespace triage {

extern const std::string_view kBuiltinProfileUk;
extern const std::string_view kBuiltinProfileVicsUs;

namespace {

std::string read_profile_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read profile '" + file + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string text_field(const nlohmann::json& j, const char* key, const std::string& fallback) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_string()) throw std::runtime_error(std::string("'") + key + "' must be a string");
  return j[key].get<std::string>();
}

CategoryProfile parse_profile(const std::string& text, const std::string& origin) {
  try {
    const auto j = nlohmann::json::parse(text);
    CategoryProfile p;
    p.name = text_field(j, "profile", origin);
    p.title = text_field(j, "title", p.name);
    p.uncategorised_label = text_field(j, "uncategorised_label", p.uncategorised_label);
    p.known_good_label = text_field(j, "known_good_label", p.known_good_label);
    p.ignored_label = text_field(j, "ignored_label", p.ignored_label);
    if (!j.contains("categories") || !j["categories"].is_array() || j["categories"].empty())
      throw std::runtime_error("'categories' must be a non-empty array");
    std::set<std::string> codes;
    for (const auto& c : j["categories"]) {
      CategoryDef def;
      def.code = text_field(c, "code", "");
      def.label = text_field(c, "label", "");
      if (def.code.empty() || def.label.empty()) throw std::runtime_error("every category needs a code and a label");
      if (!codes.insert(def.code).second) throw std::runtime_error("code '" + def.code + "' appears twice");
      if (!c.contains("severity") || !c["severity"].is_number_integer() || c["severity"].get<int>() < 1)
        throw std::runtime_error("category '" + def.code + "' needs an integer severity >= 1");
      def.severity = c["severity"].get<int>();
      def.group = text_field(c, "group", "other");
      def.definition = text_field(c, "definition", "");
      p.categories.push_back(std::move(def));
    }
    p.not_indecent_code = text_field(j, "not_indecent_code", "");
    if (!p.not_indecent_code.empty() && !codes.count(p.not_indecent_code))
      throw std::runtime_error("'not_indecent_code' '" + p.not_indecent_code + "' is not a category code");
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("profile '" + origin + "' is not valid JSON: " + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("profile '" + origin + "': " + e.what());
  }
}

}  // namespace

CategoryProfile parse_profile_text(const std::string& text, const std::string& origin) {
  return parse_profile(text, origin);
}

std::string profile_source_text(const std::string& name_or_file) {
  if (name_or_file == "uk") return std::string(kBuiltinProfileUk);
  if (name_or_file == "vics-us") return std::string(kBuiltinProfileVicsUs);
  return read_profile_file(name_or_file);
}

CategoryProfile load_profile(const std::string& name_or_file) {
  return parse_profile(profile_source_text(name_or_file), name_or_file);
}

}  // namespace triage
