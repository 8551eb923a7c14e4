#pragma once
// A LUKS1 or LUKS2 volume opened with a key the examiner gives: the volume key recovered through
// libcryptsetup (Debian libcryptsetup-dev; crypt_load, crypt_volume_key_get) from a private copy
// of the header, so that nothing can write to the evidence, and the data area decrypted here
// with OpenSSL (aes-xts-plain64, the default of cryptsetup and qemu for both versions).
// libluksde (Debian 20200205) was the first choice: it reads no LUKS2 and aborts with a stack
// smash on a LUKS1 volume made by cryptsetup 2.6, so it is not used.
// Layouts: LUKS1 On-Disk Format Specification 1.2.3 (phdr: magic, version, payload offset at
// byte 104, UUID at 168); LUKS2 On-Disk Format Specification 1.1.1 (binary header: hdr_size at 8,
// UUID at 168, the JSON area after it; config.keyslots_size).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/pipeline/random_access_reader.h"
#include "core/result.h"
#include "formats/crypt/volume_key.h"

namespace triage {

struct LuksHeader {
  int version = 0;   // 1 or 2
  std::string uuid;  // as luksDump prints it
};

// The LUKS header at the start of `head` (at least 4 KiB), or nullopt.
std::optional<LuksHeader> read_luks_header(std::span<const std::byte> head);

class LuksVolume final : public RandomAccessReader {
 public:
  // Tries the keys in turn on the volume of `volume_size` bytes read through `volume` (which
  // must outlive this). Error stage "key" when none opens it (a wrong key), "unsupported" for a
  // cipher not decrypted here, "read" when the header cannot be read.
  static Result<std::unique_ptr<LuksVolume>> unlock(RandomAccessReader& volume, std::uint64_t volume_size,
                                                    const std::vector<const VolumeKey*>& keys);
  ~LuksVolume() override;

  // The decrypted data area, from its first byte.
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override;
  std::uint64_t size() const { return size_; }
  std::uint64_t data_offset() const { return data_offset_; }  // where the data area starts in the volume
  // "LUKS2 aes-xts-plain64, 512-bit key, 4096-byte sectors", for the row that says it was opened.
  const std::string& description() const { return description_; }

 private:
  struct Cipher;
  LuksVolume(RandomAccessReader& volume, std::unique_ptr<Cipher> cipher);
  RandomAccessReader& volume_;
  std::unique_ptr<Cipher> cipher_;
  std::uint64_t data_offset_ = 0, size_ = 0;
  unsigned sector_size_ = 512;
  std::string description_;
};

}  // namespace triage
