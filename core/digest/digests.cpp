#include "core/digest/digests.h"

#include "core/pipeline/lane_ring.h"
#include "core/text/hex.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace triage {
namespace {

struct EvpCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpCtx = std::unique_ptr<EVP_MD_CTX, EvpCtxDeleter>;

// One algorithm's streaming context.
class OneDigest {
 public:
  explicit OneDigest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), md, nullptr) != 1)
      throw std::runtime_error("OpenSSL digest initialisation failed");
  }
  void update(std::span<const std::byte> data) {
    if (!data.empty()) EVP_DigestUpdate(ctx_.get(), data.data(), data.size());
  }
  // Returns the digest and starts over, so one context serves many files.
  std::string finish_hex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), out, &len);
    EVP_DigestInit_ex(ctx_.get(), nullptr, nullptr);
    return to_hex(std::span<const std::uint8_t>(out, len));
  }

 private:
  EvpCtx ctx_;
};

}  // namespace

struct DigestSubset::State {
  std::optional<OneDigest> md5, sha1, sha256;
};

DigestSubset::DigestSubset(bool md5, bool sha1, bool sha256) : state_(std::make_unique<State>()) {
  if (md5) state_->md5.emplace(EVP_md5());
  if (sha1) state_->sha1.emplace(EVP_sha1());
  if (sha256) state_->sha256.emplace(EVP_sha256());
}
DigestSubset::~DigestSubset() = default;

void DigestSubset::update(std::span<const std::byte> data) {
  for (auto* one : {&state_->md5, &state_->sha1, &state_->sha256})
    if (*one) (*one)->update(data);
}

Digests DigestSubset::finish() {
  Digests out;
  if (state_->md5) out.md5 = state_->md5->finish_hex();
  if (state_->sha1) out.sha1 = state_->sha1->finish_hex();
  if (state_->sha256) out.sha256 = state_->sha256->finish_hex();
  return out;
}

Digests digest_buffer(std::span<const std::byte> data) {
  DigestSubset digest;
  digest.update(data);
  return digest.finish();
}

// The caller's chunk goes to a one-lane LaneRing that the helper thread reads (MD5) while the
// caller digests SHA-1 and SHA-256; update() returns once the helper is done with the chunk,
// which stays the caller's.
struct ParallelMultiDigest::State {
  OneDigest md5{EVP_md5()}, sha1{EVP_sha1()}, sha256{EVP_sha256()};
  LaneRing ring{1, 1};
  std::thread helper;
};

ParallelMultiDigest::ParallelMultiDigest() : state_(std::make_unique<State>()) {
  state_->helper = std::thread([s = state_.get()] {
    while (auto chunk = s->ring.next(0)) {
      s->md5.update(*chunk);
      s->ring.finished(0);
    }
  });
}

ParallelMultiDigest::~ParallelMultiDigest() {
  state_->ring.finish();
  state_->helper.join();
}

void ParallelMultiDigest::update(std::span<const std::byte> chunk) {
  (void)state_->ring.wait_for_slot();  // free at once: the last chunk was drained before return
  state_->ring.publish(chunk);
  state_->sha1.update(chunk);
  state_->sha256.update(chunk);
  state_->ring.wait_drained();
}

Digests ParallelMultiDigest::finish() {
  return {state_->md5.finish_hex(), state_->sha1.finish_hex(), state_->sha256.finish_hex()};
}

std::string sha256_of_file(const std::filesystem::path& file, const std::atomic<bool>* cancel) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  DigestSubset digest(false, false, true);  // SHA-256 alone
  std::vector<char> buf(1 << 20);
  while (in) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return {};
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    digest.update(std::as_bytes(std::span(buf.data(), n)));
  }
  if (!in.eof()) throw std::runtime_error(file.string() + ": read error");  // not a digest of part of it
  return digest.finish().sha256;
}

std::string sha256_base64(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL cannot compute SHA-256");
  std::string out(4 * ((length + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, static_cast<int>(length));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string openssl_version() { return OpenSSL_version(OPENSSL_VERSION); }

}  // namespace triage
