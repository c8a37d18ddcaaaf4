#include "data/CachePairs.h"

#include "data/PairCsv.h"

namespace siamese {

PairSet buildCachePairs(const FaceCache& cache, const PairOptions& options, const std::set<std::string>& heldOut,
                        std::size_t* heldOutPhotos) {
  std::vector<int> personOfPhoto;
  personOfPhoto.reserve(cache.size());
  std::size_t held = 0;
  for (const CachedFace& face : cache.faces()) {
    const bool out = heldOut.count(cache.people()[std::size_t(face.person)]) > 0;
    personOfPhoto.push_back(out ? -1 : face.person);  // -1: never in a pair
    held += out ? 1 : 0;
  }
  if (heldOutPhotos) *heldOutPhotos = held;
  return buildPairs(personOfPhoto, options);
}

std::vector<std::string> writePairSplits(const PairSet& set, const FaceCache& cache, const std::string& outDir) {
  std::vector<std::string> written;
  for (std::size_t s = 0; s < 3; ++s) {
    if (set.splits[s].empty()) continue;
    written.push_back(outDir + "/" + splitName(Split(s)) + ".csv");
    writePairsCsv(written.back(), set.splits[s], cache);
  }
  return written;
}

std::vector<Pair> readPairSplit(const FaceCache& cache, const std::string& pairsDir, Split split) {
  return resolvePairs(readPairsCsv(pairsDir + "/" + splitName(split) + ".csv"), cache);
}

}  // namespace siamese
