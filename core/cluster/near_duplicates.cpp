#include "core/cluster/near_duplicates.h"

#include <algorithm>
#include <exception>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/match/mih_index.h"

namespace triage {
namespace {

// Union-find with path halving; the smaller index becomes the root, so a root is always its
// component's first member in walk order.
class Components {
 public:
  explicit Components(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0U); }
  std::uint32_t find(std::uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void join(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
  }

 private:
  std::vector<std::uint32_t> parent_;
};

bool hash_less(const match::Hash256& a, const match::Hash256& b) { return a.w < b.w; }

}  // namespace

std::vector<std::uint32_t> cluster_near_duplicates(const std::vector<ClusterItem>& items,
                                                   const ClusterOptions& options) {
  if (items.size() >= 0xFFFFFFFFU) throw std::length_error("too many items to cluster");
  const auto n = static_cast<std::uint32_t>(items.size());
  Components components(n);

  // Exact copies first: the same SHA-1.
  std::unordered_map<std::string_view, std::uint32_t> first_with_sha1;
  first_with_sha1.reserve(items.size());
  for (std::uint32_t i = 0; i < n; ++i)
    if (!items[i].sha1.empty())
      if (const auto [it, added] = first_with_sha1.try_emplace(items[i].sha1, i); !added) components.join(it->second, i);

  // Each distinct hash once, with the items that hold it (a copy's hash and a video's repeated
  // frames are searched once): hashes sorted, owners joined along runs of the same hash.
  std::vector<std::pair<match::Hash256, std::uint32_t>> held;
  for (std::uint32_t i = 0; i < n; ++i)
    for (const auto& h : items[i].hashes) held.emplace_back(h, i);
  std::sort(held.begin(), held.end(), [](const auto& a, const auto& b) {
    return hash_less(a.first, b.first) || (a.first == b.first && a.second < b.second);
  });
  std::vector<match::Hash256> distinct;
  std::vector<std::uint32_t> owner;  // the first item holding distinct[k]
  for (std::size_t k = 0; k < held.size(); ++k) {
    if (k > 0 && held[k].first == held[k - 1].first) {
      components.join(owner.back(), held[k].second);
      continue;
    }
    distinct.push_back(held[k].first);
    owner.push_back(held[k].second);
  }
  held.clear();
  held.shrink_to_fit();
  if (distinct.empty() || options.max_distance < 0) {
    std::vector<std::uint32_t> out(n);
    for (std::uint32_t i = 0; i < n; ++i) out[i] = components.find(i);
    return out;
  }

  // Every distinct hash searched against all (the pairs (k, m > k) within the distance), then
  // every mirror hash, on several threads into their own lists of item pairs, joined afterwards on
  // this one.
  std::vector<std::pair<match::Hash256, std::uint32_t>> mirrors;
  for (std::uint32_t i = 0; i < n; ++i)
    for (const auto& h : items[i].mirrors) mirrors.emplace_back(h, i);
  const std::size_t count = distinct.size();
  const match::MihIndex index(std::move(distinct), options.max_distance);
  const unsigned threads = std::max(1U, std::min(options.threads, 64U));
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> pairs(threads);
  std::vector<std::exception_ptr> failed(threads);
  auto search_share = [&](unsigned t) {
    try {
      const auto hashes = index.hashes();
      for (std::size_t k = t; k < count; k += threads)
        for (const match::Match& m : index.search(hashes[k], options.max_distance))
          if (m.id > k) pairs[t].emplace_back(owner[k], owner[m.id]);
      for (std::size_t k = t; k < mirrors.size(); k += threads)
        for (const match::Match& m : index.search(mirrors[k].first, options.max_distance))
          pairs[t].emplace_back(mirrors[k].second, owner[m.id]);
    } catch (...) {
      failed[t] = std::current_exception();  // rethrown below, once every thread has stopped
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t) workers.emplace_back(search_share, t);
  search_share(0);
  for (auto& w : workers) w.join();
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
  for (const auto& list : pairs)
    for (const auto& [a, b] : list) components.join(a, b);

  std::vector<std::uint32_t> out(n);
  for (std::uint32_t i = 0; i < n; ++i) out[i] = components.find(i);
  return out;
}

}  // namespace triage
