#pragma once
// Many short texts (record ids, category codes) in one buffer: ten million hash-set records
// need no ten million std::strings. Consecutive repeats share one entry (exports are grouped).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace triage {

class TextPool {
 public:
  // Returns the id of `s`; 0 is the empty text.
  std::uint32_t intern(std::string_view s) {
    if (s.empty()) return 0;
    if (spans_.size() > 1 && view(static_cast<std::uint32_t>(spans_.size() - 1)) == s)
      return static_cast<std::uint32_t>(spans_.size() - 1);
    spans_.push_back({pool_.size(), static_cast<std::uint32_t>(s.size())});
    pool_.append(s);
    return static_cast<std::uint32_t>(spans_.size() - 1);
  }
  std::string_view view(std::uint32_t id) const {
    if (id == 0 || id >= spans_.size()) return {};
    return std::string_view(pool_).substr(spans_[id].offset, spans_[id].length);
  }
  void shrink_to_fit() {
    pool_.shrink_to_fit();
    spans_.shrink_to_fit();
  }

 private:
  struct Span {
    std::size_t offset;
    std::uint32_t length;
  };
  std::string pool_;
  std::vector<Span> spans_{Span{0, 0}};
};

}  // namespace triage
