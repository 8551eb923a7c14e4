#include "formats/crypt/luks_volume.h"

#include <libcryptsetup.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace triage {
namespace {

constexpr std::size_t kHeadBytes = 4096;
// A LUKS2 keyslots area is 16 MiB by default (up to 128 MiB by the specification).
constexpr std::uint64_t kMaxHeaderBytes = 160u << 20;
// Key derivation costs beyond what cryptsetup ever sets (it benchmarks PBKDF2 to about 2 s, a few
// million iterations; Argon2 memory is capped at 4 GiB by LUKS2 and 1 GiB by default).
constexpr std::uint32_t kMaxIterations = 50'000'000;
constexpr std::uint32_t kMaxArgonPasses = 64;  // Argon2's time cost: cryptsetup's benchmark gives 4 to 20
constexpr std::uint32_t kMaxMemoryKib = 4u << 20;

bool too_costly(const crypt_pbkdf_type& pbkdf) {
  const bool argon = pbkdf.type != nullptr && std::string_view(pbkdf.type).starts_with("argon2");
  return pbkdf.iterations > (argon ? kMaxArgonPasses : kMaxIterations) || pbkdf.max_memory_kb > kMaxMemoryKib ||
         pbkdf.parallel_threads > 64;
}

std::uint64_t big_endian(std::span<const std::byte> bytes) {
  std::uint64_t v = 0;
  for (const std::byte b : bytes) v = (v << 8) | static_cast<std::uint64_t>(b);
  return v;
}

std::string text_at(std::span<const std::byte> head, std::size_t at, std::size_t length) {
  std::string out(reinterpret_cast<const char*>(head.data() + at), length);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// config.keyslots_size of the LUKS2 JSON area: a decimal string ("keyslots_size":"16744448").
std::optional<std::uint64_t> keyslots_size(std::string_view json) {
  const auto key = json.find("\"keyslots_size\"");
  if (key == std::string_view::npos) return std::nullopt;
  std::size_t at = key + 15;
  while (at < json.size() && (json[at] == ' ' || json[at] == ':' || json[at] == '"')) ++at;
  std::uint64_t v = 0;
  bool any = false;
  for (; at < json.size() && json[at] >= '0' && json[at] <= '9' && v < (1ull << 40); ++at, any = true)
    v = v * 10 + static_cast<std::uint64_t>(json[at] - '0');
  return any ? std::optional(v) : std::nullopt;
}

// The header bytes libcryptsetup needs: LUKS1 up to the payload, LUKS2 both binary headers with
// their JSON areas and the keyslots area.
Result<std::uint64_t> header_length(RandomAccessReader& volume, std::span<const std::byte> head, int version,
                                    std::uint64_t volume_size) {
  std::uint64_t length = 0;
  if (version == 1) {
    length = big_endian(head.subspan(104, 4)) * 512;
  } else {
    const std::uint64_t hdr_size = big_endian(head.subspan(8, 8));
    if (hdr_size < kHeadBytes || hdr_size > (4u << 20)) return Error{"read", fmt::format("LUKS2 header size {} out of range", hdr_size)};
    std::vector<std::byte> area(static_cast<std::size_t>(hdr_size));
    auto got = read_fully(volume, 0, area);
    if (!got || *got != area.size()) return Error{"read", "LUKS2 header area unreadable"};
    const std::string_view json(reinterpret_cast<const char*>(area.data()) + kHeadBytes, area.size() - kHeadBytes);
    const auto slots = keyslots_size(json.substr(0, json.find('\0')));
    if (!slots) return Error{"read", "LUKS2 JSON area names no keyslots_size"};
    length = 2 * hdr_size + *slots;
  }
  if (length < kHeadBytes || length > kMaxHeaderBytes || length > volume_size)
    return Error{"read", fmt::format("LUKS{} header of {} bytes does not fit the volume of {} bytes", version, length,
                                     volume_size)};
  return length;
}

void quiet(int, const char*, void*) {}

struct CryptDevice {
  crypt_device* cd = nullptr;
  ~CryptDevice() {
    if (cd != nullptr) crypt_free(cd);
  }
};

struct MemFd {
  int fd = -1;
  ~MemFd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::optional<LuksHeader> read_luks_header(std::span<const std::byte> head) {
  static constexpr std::array<unsigned char, 6> kMagic{'L', 'U', 'K', 'S', 0xBA, 0xBE};
  if (head.size() < kHeadBytes || std::memcmp(head.data(), kMagic.data(), kMagic.size()) != 0) return std::nullopt;
  const auto version = static_cast<int>(big_endian(head.subspan(6, 2)));
  if (version != 1 && version != 2) return std::nullopt;
  return LuksHeader{version, text_at(head, 168, 40)};
}

struct LuksVolume::Cipher {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  bool plain32 = false;  // "plain": the sector number's low 32 bits (plain64: all 64)
  ~Cipher() { EVP_CIPHER_CTX_free(ctx); }
};

LuksVolume::LuksVolume(RandomAccessReader& volume, std::unique_ptr<Cipher> cipher)
    : volume_(volume), cipher_(std::move(cipher)) {}

LuksVolume::~LuksVolume() = default;

Result<std::unique_ptr<LuksVolume>> LuksVolume::unlock(RandomAccessReader& volume, std::uint64_t volume_size,
                                                       const std::vector<const VolumeKey*>& keys) {
  std::vector<std::byte> head(kHeadBytes);
  auto got = read_fully(volume, 0, head);
  if (!got || *got != head.size()) return Error{"read", "LUKS header unreadable"};
  const auto header = read_luks_header(head);
  if (!header) return Error{"read", "no LUKS header"};
  auto length = header_length(volume, head, header->version, volume_size);
  if (!length) return length.error();

  // A private copy of the header in memory (memfd): libcryptsetup reads it by path, and may
  // write to what it opens (LUKS2 header repair); the evidence is never handed to it.
  MemFd copy{::memfd_create("triage-luks-header", MFD_CLOEXEC)};
  if (copy.fd < 0) return Error{"read", fmt::format("memfd_create: {}", std::strerror(errno))};
  std::vector<std::byte> chunk(1u << 20);
  for (std::uint64_t at = 0; at < *length;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), *length - at));
    auto n = read_fully(volume, at, std::span(chunk).first(want));
    if (!n || *n != want) return Error{"read", fmt::format("LUKS header unreadable at byte {}", at)};
    if (::pwrite(copy.fd, chunk.data(), want, static_cast<off_t>(at)) != static_cast<ssize_t>(want))
      return Error{"read", fmt::format("cannot copy the LUKS header: {}", std::strerror(errno))};
    at += want;
  }
  crypt_set_log_callback(nullptr, quiet, nullptr);
  crypt_metadata_locking(nullptr, 0);  // no lock files under /run for a private copy
  CryptDevice device;
  const std::string path = fmt::format("/proc/self/fd/{}", copy.fd);
  if (crypt_init(&device.cd, path.c_str()) < 0 || crypt_load(device.cd, CRYPT_LUKS, nullptr) < 0)
    return Error{"read", fmt::format("LUKS{} header not readable by libcryptsetup", header->version)};

  const int key_bytes = crypt_get_volume_key_size(device.cd);
  std::vector<char> key(static_cast<std::size_t>(std::max(key_bytes, 0)));
  // The key slots a key is tried on: those whose derivation cost is one a real volume uses. A
  // hostile header may ask for 2^32 PBKDF2 iterations or gigabytes of Argon2 memory per try,
  // which would hold the scan far beyond any stop request (the library call cannot be ended).
  std::vector<int> slots;
  std::string refused;
  const int max_slot = crypt_keyslot_max(crypt_get_type(device.cd));
  for (int slot = 0; slot < max_slot; ++slot) {
    const crypt_keyslot_info status = crypt_keyslot_status(device.cd, slot);
    if (status != CRYPT_SLOT_ACTIVE && status != CRYPT_SLOT_ACTIVE_LAST) continue;
    crypt_pbkdf_type pbkdf{};
    if (crypt_keyslot_get_pbkdf(device.cd, slot, &pbkdf) == 0 &&
        too_costly(pbkdf)) {
      refused += fmt::format("{}slot {} ({} {} iterations, {} KiB)", refused.empty() ? "" : ", ", slot,
                             pbkdf.type ? pbkdf.type : "?", pbkdf.iterations, pbkdf.max_memory_kb);
      continue;
    }
    slots.push_back(slot);
  }
  bool opened = false;
  int tried = 0;
  for (const VolumeKey* k : keys) {
    if (k->type == VolumeKey::Type::recovery_password) continue;  // BitLocker's
    ++tried;
    for (const int slot : slots) {
      std::size_t size = key.size();
      if (crypt_volume_key_get(device.cd, slot, key.data(), &size, k->secret.data(), k->secret.size()) >= 0) {
        opened = true;
        break;
      }
    }
    if (opened) break;
  }
  if (!opened) {
    std::string why = tried == 0 ? std::string("no password or key file given for it (--key)")
                                 : fmt::format("none of the {} keys given opens any key slot", tried);
    if (!refused.empty()) why += "; key slots not tried, their key derivation costing more than any real volume's: " + refused;
    return Error{"key", why};
  }

  const std::string cipher_name = crypt_get_cipher(device.cd) ? crypt_get_cipher(device.cd) : "";
  const std::string mode = crypt_get_cipher_mode(device.cd) ? crypt_get_cipher_mode(device.cd) : "";
  auto cipher = std::make_unique<Cipher>();
  const EVP_CIPHER* evp = key.size() == 64 ? EVP_aes_256_xts() : key.size() == 32 ? EVP_aes_128_xts() : nullptr;
  const bool supported = cipher_name == "aes" && (mode == "xts-plain64" || mode == "xts-plain") && evp != nullptr;
  if (supported)
    EVP_DecryptInit_ex(cipher->ctx, evp, nullptr, reinterpret_cast<const unsigned char*>(key.data()), nullptr);
  OPENSSL_cleanse(key.data(), key.size());
  if (!supported)
    return Error{"unsupported", fmt::format("LUKS{} cipher {}-{} with a {}-bit key is not decrypted by triage "
                                            "(aes-xts-plain64 is)",
                                            header->version, cipher_name, mode, key_bytes * 8)};
  cipher->plain32 = mode == "xts-plain";

  std::unique_ptr<LuksVolume> out(new LuksVolume(volume, std::move(cipher)));
  out->data_offset_ = crypt_get_data_offset(device.cd) * 512;
  out->sector_size_ = static_cast<unsigned>(std::max(crypt_get_sector_size(device.cd), 512));
  if (out->data_offset_ >= volume_size) return Error{"read", "LUKS data area starts past the volume's end"};
  out->size_ = (volume_size - out->data_offset_) / out->sector_size_ * out->sector_size_;
  out->description_ = fmt::format("LUKS{} {}-{}, {}-bit key, {}-byte sectors", header->version, cipher_name, mode,
                                  key_bytes * 8, out->sector_size_);
  return out;
}

Result<std::size_t> LuksVolume::read_at(std::uint64_t offset, std::span<std::byte> out) {
  if (offset >= size_ || out.empty()) return std::size_t{0};
  const std::uint64_t end = std::min<std::uint64_t>(size_, offset + std::min<std::size_t>(out.size(), 1u << 20));
  const std::uint64_t first = offset / sector_size_ * sector_size_;
  const std::uint64_t last = (end + sector_size_ - 1) / sector_size_ * sector_size_;
  std::vector<std::byte> sealed(static_cast<std::size_t>(last - first)), plain(sealed.size());
  auto got = read_fully(volume_, data_offset_ + first, sealed);
  if (!got) return got.error();
  if (*got != sealed.size()) return Error{"read", "LUKS data area cut short"};
  for (std::size_t at = 0; at < sealed.size(); at += sector_size_) {
    // The IV counts 512-byte sectors whatever the encryption sector size: cryptsetup does not
    // set dm-crypt's iv_large_sectors for LUKS2 (a volume of 4096-byte sectors made by
    // cryptsetup 2.6 decrypts so, and not in 4096-byte units).
    const std::uint64_t sector = (first + at) / 512;
    std::array<unsigned char, 16> iv{};
    const std::uint64_t number = cipher_->plain32 ? (sector & 0xFFFFFFFFu) : sector;
    for (int i = 0; i < 8; ++i) iv[static_cast<std::size_t>(i)] = static_cast<unsigned char>(number >> (8 * i));
    int n = 0;
    if (EVP_DecryptInit_ex(cipher_->ctx, nullptr, nullptr, nullptr, iv.data()) != 1 ||
        EVP_DecryptUpdate(cipher_->ctx, reinterpret_cast<unsigned char*>(plain.data() + at), &n,
                          reinterpret_cast<const unsigned char*>(sealed.data() + at), static_cast<int>(sector_size_)) != 1)
      return Error{"read", "LUKS sector not decrypted (OpenSSL)"};
  }
  const auto skip = static_cast<std::size_t>(offset - first);
  const auto count = static_cast<std::size_t>(end - offset);
  std::copy_n(plain.begin() + static_cast<std::ptrdiff_t>(skip), count, out.begin());
  return count;
}

}  // namespace triage
