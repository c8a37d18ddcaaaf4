#pragma once
/// \file PairBuilder.h
/// Balanced verification pairs. People are split into train, validation
/// and test sets first (no person in two splits, so no score is inflated
/// by faces seen in training); each split then gets exactly as many
/// same-person pairs as different-person pairs, all unique, none pairing a
/// photo with itself, reproducible for a seed.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace siamese {

enum class Split { Train = 0, Validation = 1, Test = 2 };
const char* splitName(Split split);

/// Two photos (indices into the photo list given to buildPairs).
struct Pair {
  int a = 0;
  int b = 0;
  bool same = false;
};

struct PairOptions {
  /// Fractions of the eligible people in each split (normalised to sum 1).
  std::array<double, 3> fractions{0.7, 0.15, 0.15};
  /// Pairs wanted per split (half same, half different). 0 takes as many
  /// as the split's people allow, capped by maxPairsPerSplit.
  std::array<std::size_t, 3> pairCounts{0, 0, 0};
  std::size_t maxPairsPerSplit = 20000;
  /// People with fewer photos are left out of every split.
  int minPhotosPerPerson = 2;
  std::uint64_t seed = 42;
  /// Split each person's photos (not the people) by the fractions, so every
  /// person is in every split: for closed sets like MNIST's ten digits.
  /// Face verification should split by person (the default).
  bool splitByPhoto = false;
};

/// What the checks found, per split (the CelebA project's checks).
struct SplitReport {
  std::size_t people = 0;
  std::size_t photosAvailable = 0;
  std::size_t photosUsed = 0;     ///< photos appearing in at least one pair
  std::size_t positives = 0;
  std::size_t negatives = 0;
  std::size_t uniquePairs = 0;    ///< unordered {a, b}
  std::size_t selfPairs = 0;      ///< a == b (must be 0)
  std::size_t mislabelled = 0;    ///< label disagrees with the people (must be 0)
  std::size_t requested = 0;      ///< pairs asked for explicitly (0: as many as possible)
};

struct PairSet {
  std::array<std::vector<Pair>, 3> splits;
  std::array<std::vector<int>, 3> peopleOf;  ///< person ids in each split, sorted
  std::array<std::vector<int>, 3> photosOf;  ///< photos each split may use, sorted
  std::array<SplitReport, 3> reports;
  std::size_t peopleInTwoSplits = 0;         ///< must be 0 unless split by photo
  std::size_t peopleSkipped = 0;             ///< below minPhotosPerPerson

  const std::vector<Pair>& operator[](Split s) const { return splits[std::size_t(s)]; }
};

/// Builds the splits and pairs. `personOfPhoto[i]` is the person of photo i;
/// photos whose person is negative are left out (people held out for testing).
/// throws Error when there are too few eligible people (at least two per
/// non-empty split are needed for different-person pairs).
PairSet buildPairs(const std::vector<int>& personOfPhoto, const PairOptions& options);

/// Recomputes a split's report from its pairs (used by buildPairs, and by
/// tests to check a pair list independently).
SplitReport checkPairs(const std::vector<Pair>& pairs, const std::vector<int>& personOfPhoto);

}  // namespace siamese
