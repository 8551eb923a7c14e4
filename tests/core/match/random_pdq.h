#pragma once
// Random PDQ hashes and near copies for the matcher tests.
#include <cstdint>
#include <random>

#include "core/match/hash256.h"
#include "core/pdq/pdq.h"

namespace triage::test {

inline PdqHash random_pdq(std::mt19937& rng) {
  PdqHash h;
  for (auto& w : h.words) w = static_cast<std::uint16_t>(rng());
  return h;
}

inline match::Hash256 random_hash256(std::mt19937_64& rng) {
  match::Hash256 hash;
  for (std::uint64_t& word : hash.w) word = rng();
  return hash;
}

// `bits` (<= 256) distinct bits flipped, spread over the 16 words.
inline PdqHash with_flipped_bits(PdqHash h, int bits) {
  for (int k = 0; k < bits; ++k) h.words[static_cast<std::size_t>(k % 16)] ^= static_cast<std::uint16_t>(1U << (k / 16));
  return h;
}

}  // namespace triage::test
