#pragma once
// Keys the examiner gives for encrypted volumes (--key SELECTOR:TYPE:VALUE). They travel in
// memory only: never written to case.db, a report or a log.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace triage {

struct VolumeKey {
  enum class Type { password, recovery_password, key_file };
  std::string selector;  // "*" (any volume), a partition name ("p2") or the volume's UUID
  Type type = Type::password;
  std::string secret;    // the password, or the bytes of the key file (read when parsed)
};

// Parses SELECTOR:TYPE:VALUE (the value may hold ':'); a key_file's file is read now.
Result<VolumeKey> parse_volume_key(std::string_view text);

// The keys whose selector names this volume, "*" ones last.
std::vector<const VolumeKey*> keys_for(const std::vector<VolumeKey>& keys, std::string_view volume_name,
                                       std::string_view uuid);

}  // namespace triage
