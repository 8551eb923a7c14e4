#include "formats/rules/priority_areas_loader.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace triage {

extern const std::string_view kBuiltinPriorityAreas;

PriorityAreas builtin_priority_areas() {
  const auto doc = nlohmann::json::parse(kBuiltinPriorityAreas);
  if (doc.value("priority_format", "") != "triage-priority/1")
    throw std::runtime_error("built-in priority areas: not in format triage-priority/1");
  PriorityAreas areas;
  for (auto [key, into] : {std::pair{"user_media", &areas.user_media}, {"user_areas", &areas.user_areas},
                           {"system_areas", &areas.system_areas}}) {
    for (const auto& pattern : doc.at(key)) {
      std::string error;
      auto glob = PathGlob::compile(pattern.get<std::string>(), &error);
      if (!glob) throw std::runtime_error("built-in priority areas: " + error);
      into->push_back(std::move(*glob));
    }
  }
  return areas;
}

}  // namespace triage
