#include "formats/crypt/volume_key.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

namespace triage {

Result<VolumeKey> parse_volume_key(std::string_view text) {
  const auto first = text.find(':');
  const auto second = first == std::string_view::npos ? first : text.find(':', first + 1);
  if (second == std::string_view::npos)
    return Error{"usage", "--key wants SELECTOR:TYPE:VALUE (e.g. p2:password:..., *:key_file:/path/key)"};
  VolumeKey key;
  key.selector = std::string(text.substr(0, first));
  const std::string_view type = text.substr(first + 1, second - first - 1);
  const std::string_view value = text.substr(second + 1);
  if (key.selector.empty()) return Error{"usage", "--key: the volume selector is empty (use * for any volume)"};
  if (type == "password") {
    key.type = VolumeKey::Type::password;
    key.secret = std::string(value);
  } else if (type == "recovery_password") {
    key.type = VolumeKey::Type::recovery_password;
    key.secret = std::string(value);
  } else if (type == "key_file") {
    key.type = VolumeKey::Type::key_file;
    std::ifstream in{std::string(value), std::ios::binary};
    if (!in) return Error{"usage", fmt::format("--key: cannot read the key file '{}'", value)};
    key.secret.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    return Error{"usage", fmt::format("--key: unknown key type '{}' (password, recovery_password, key_file)", type)};
  }
  if (key.secret.empty()) return Error{"usage", "--key: the key is empty"};
  return key;
}

std::vector<const VolumeKey*> keys_for(const std::vector<VolumeKey>& keys, std::string_view volume_name,
                                       std::string_view uuid) {
  std::vector<const VolumeKey*> named, any;
  for (const auto& key : keys) {
    if (key.selector == "*") any.push_back(&key);
    else if (key.selector == volume_name || (!uuid.empty() && key.selector == uuid)) named.push_back(&key);
  }
  named.insert(named.end(), any.begin(), any.end());
  return named;
}

}  // namespace triage
