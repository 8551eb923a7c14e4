#pragma once
// MD5, SHA-1 and SHA-256 in one read pass (OpenSSL EVP behind this interface).
#include <atomic>
#include <filesystem>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/item.h"

namespace triage {

// Streaming digest on the calling thread: all three algorithms, or any of them for callers that
// spread the algorithms over threads of their own, or need fewer (a re-read whose only question
// is "did any byte change?" takes SHA-256 alone: SHA-NI makes it the cheapest of the three).
// finish() fills only the chosen ones, and the object starts over.
class DigestSubset {
 public:
  DigestSubset(bool md5 = true, bool sha1 = true, bool sha256 = true);
  ~DigestSubset();
  DigestSubset(const DigestSubset&) = delete;
  DigestSubset& operator=(const DigestSubset&) = delete;

  void update(std::span<const std::byte> data);
  Digests finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// All three digests of one buffer.
Digests digest_buffer(std::span<const std::byte> data);

// SHA-256 of `bytes` in base64, as a Content-Security-Policy hash source ('sha256-...') names
// the inline script or style it allows.
std::string sha256_base64(std::string_view bytes);

// The OpenSSL (libcrypto) in use, as it names itself ("OpenSSL 3.0.17 1 Jul 2025").
std::string openssl_version();

// SHA-256 of a whole file, streamed (outputs, case.db, hash-set files); throws std::runtime_error
// naming the file when it cannot be opened or a read fails (never the digest of part of it).
// Returns "" once *cancel is set (a digest nobody waits for any more).
std::string sha256_of_file(const std::filesystem::path& file, const std::atomic<bool>* cancel = nullptr);

// Streaming digest of a large file spread over two threads: MD5 (the slowest) runs on a
// helper thread while SHA-1 and SHA-256 run on the caller's, chunk by chunk.
class ParallelMultiDigest {
 public:
  ParallelMultiDigest();
  ~ParallelMultiDigest();
  ParallelMultiDigest(const ParallelMultiDigest&) = delete;
  ParallelMultiDigest& operator=(const ParallelMultiDigest&) = delete;

  // The chunk must stay valid until update() returns (it waits for the helper).
  void update(std::span<const std::byte> chunk);
  // The digests so far; the object starts over and can digest the next file.
  Digests finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace triage
