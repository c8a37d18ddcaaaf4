#pragma once
/// \file PairCsv.h
/// Pair lists as CSV, one pair per line:
///
///     source_a,source_b,same,person_a,person_b[,distance]
///
/// Photos are named by their source path (not by cache index) so a list
/// stays valid when the cache is extended. `distance`, when present, is a
/// model's distance for the pair (for montages coloured by verdict).

#include <optional>
#include <string>
#include <vector>

#include "data/PairBuilder.h"

namespace siamese {

class FaceCache;

struct PairRow {
  std::string sourceA;
  std::string sourceB;
  bool same = false;
  std::string personA;
  std::string personB;
  std::optional<double> distance;
};

/// Writes pairs of cache photos atomically. throws FileError on failure.
void writePairsCsv(const std::string& path, const std::vector<Pair>& pairs, const FaceCache& cache);

/// Writes rows atomically (keeps distances when present).
void writePairRows(const std::string& path, const std::vector<PairRow>& rows);

/// Reads a pair list. Fields may be quoted ("a, b"). throws Error naming
/// the file and line on a malformed row.
std::vector<PairRow> readPairsCsv(const std::string& path);

/// Resolves rows to cache indices, one Pair per row. A source matches a
/// cache photo by its full path or, failing that, by its last two path
/// components (person folder and file name), so lists made with another
/// spelling of the data set's root still resolve. Photos not in the cache
/// (they failed in `prepare`) give a = -1 or b = -1 when `allowMissing`;
/// otherwise Error names the first one.
std::vector<Pair> resolvePairs(const std::vector<PairRow>& rows, const FaceCache& cache,
                               bool allowMissing = false);

}  // namespace siamese
