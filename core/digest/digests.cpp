#include "core/digest/digests.h"

#include "core/text/hex.h"

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

struct ParallelMultiDigest::State {
  OneDigest md5{EVP_md5()}, sha1{EVP_sha1()}, sha256{EVP_sha256()};
  std::mutex mutex;
  std::condition_variable cv;
  std::span<const std::byte> pending;
  bool has_work = false;
  bool stop = false;
  std::thread helper;

  void helper_loop() {
    std::unique_lock lock(mutex);
    for (;;) {
      cv.wait(lock, [&] { return has_work || stop; });
      if (has_work) {
        auto chunk = pending;
        lock.unlock();
        md5.update(chunk);
        lock.lock();
        has_work = false;
        cv.notify_all();
      } else if (stop) {
        return;
      }
    }
  }
};

ParallelMultiDigest::ParallelMultiDigest() : state_(std::make_unique<State>()) {
  state_->helper = std::thread([s = state_.get()] { s->helper_loop(); });
}

ParallelMultiDigest::~ParallelMultiDigest() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stop = true;
  }
  state_->cv.notify_all();
  state_->helper.join();
}

void ParallelMultiDigest::update(std::span<const std::byte> chunk) {
  {
    std::lock_guard lock(state_->mutex);
    state_->pending = chunk;
    state_->has_work = true;
  }
  state_->cv.notify_all();
  state_->sha1.update(chunk);
  state_->sha256.update(chunk);
  std::unique_lock lock(state_->mutex);
  state_->cv.wait(lock, [&] { return !state_->has_work; });
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

}  // namespace triage
