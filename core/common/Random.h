#pragma once
/// \file Random.h
/// A seeded generator whose sequences are the same on every platform and
/// standard library (std::uniform_int_distribution is not), so that "same
/// seed, same pairs" holds everywhere.

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace siamese {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : m_engine(seed) {}

  /// Uniform integer in [0, n). requires: n > 0.
  std::uint64_t below(std::uint64_t n) {
    // Rejection sampling removes the modulo bias.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x;
    do {
      x = m_engine();
    } while (x >= limit);
    return x % n;
  }

  /// Uniform double in [0, 1).
  double unit() { return double(m_engine() >> 11) * (1.0 / 9007199254740992.0); }

  /// Fisher-Yates shuffle.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

  std::mt19937_64& engine() { return m_engine; }

 private:
  std::mt19937_64 m_engine;
};

}  // namespace siamese
