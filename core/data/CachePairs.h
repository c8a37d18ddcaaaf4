#pragma once
/// \file CachePairs.h
/// Pairs of a face cache's photos, as `siamese pairs`, `siamese train` and
/// the wizard make them: people named in a hold-out list left out entirely,
/// and each split written as a pair CSV.

#include <set>
#include <string>
#include <vector>

#include "data/FaceCache.h"
#include "data/PairBuilder.h"

namespace siamese {

/// Balanced identity-disjoint pairs of `cache`'s photos without any photo of
/// the people named in `heldOut`; `heldOutPhotos`, when given, gets how many
/// photos that left out.
PairSet buildCachePairs(const FaceCache& cache, const PairOptions& options, const std::set<std::string>& heldOut = {},
                        std::size_t* heldOutPhotos = nullptr);

/// Writes each non-empty split as <outDir>/<split>.csv; returns the paths written.
std::vector<std::string> writePairSplits(const PairSet& set, const FaceCache& cache, const std::string& outDir);

/// The pairs of <pairsDir>/<split>.csv (written by writePairSplits) as
/// indices into `cache`. throws Error naming the file when it is missing or
/// malformed.
std::vector<Pair> readPairSplit(const FaceCache& cache, const std::string& pairsDir, Split split);

}  // namespace siamese
