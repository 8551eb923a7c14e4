#include "core/evidence/device_layout.h"

#include <algorithm>
#include <array>
#include <utility>

namespace triage {
namespace {

struct Anchor {
  std::string_view path;
  std::string_view platform;
};

// Most specific first, so that the anchor named is the telling one.
constexpr std::array kAnchors{
    Anchor{"private/var/mobile/", "iOS"},  Anchor{"private/var/containers/", "iOS"}, Anchor{"private/var/", "iOS"},
    Anchor{"data/media/0/", "Android"},    Anchor{"data/data/", "Android"},           Anchor{"data/user/0/", "Android"},
    Anchor{"storage/emulated/0/", "Android"}, Anchor{"sdcard/", "Android"},
};

constexpr int kMaxRootFolders = 2;

}  // namespace

std::optional<DeviceLayout> recognise_device_layout(std::string_view member_path) {
  while (member_path.starts_with("./")) member_path.remove_prefix(2);
  // Each component boundary within the first kMaxRootFolders folders is a candidate root.
  std::size_t start = 0;
  for (int folders = 0; folders <= kMaxRootFolders; ++folders) {
    const std::string_view rest = member_path.substr(start);
    for (const Anchor& a : kAnchors)
      if (rest.starts_with(a.path) && rest.size() > a.path.size())
        return DeviceLayout{std::string(a.platform), std::string(member_path.substr(0, start)), std::string(a.path)};
    const auto slash = member_path.find('/', start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::nullopt;
}

std::optional<std::string> device_path_of(std::string_view member_path, std::string_view root) {
  while (member_path.starts_with("./")) member_path.remove_prefix(2);
  if (!member_path.starts_with(root) || member_path.size() == root.size()) return std::nullopt;
  return "/" + std::string(member_path.substr(root.size()));
}

}  // namespace triage
