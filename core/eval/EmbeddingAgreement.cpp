#include "eval/EmbeddingAgreement.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/Error.h"
#include "nn/EuclideanDistance.h"

namespace siamese {

EmbeddingAgreement compareEmbeddings(const std::vector<std::vector<float>>& first,
                                     const std::vector<std::vector<float>>& second) {
  if (first.size() != second.size()) throw Error("the two lists of embeddings hold different numbers of photos");
  if (first.size() < 3) throw Error("comparing two ways of embedding takes 3 photos or more");
  EmbeddingAgreement out;
  out.photos = first.size();
  for (std::size_t i = 0; i < first.size(); ++i) {
    const double shift = euclideanDistance(first[i], second[i]);
    out.meanShift += shift;
    out.largestShift = std::max(out.largestShift, shift);
  }
  out.meanShift /= double(first.size());

  // Pearson's correlation over every pair of different photos, in one pass.
  double n = 0, sumA = 0, sumB = 0, sumAA = 0, sumBB = 0, sumAB = 0;
  for (std::size_t i = 0; i < first.size(); ++i) {
    for (std::size_t j = i + 1; j < first.size(); ++j) {
      const double a = euclideanDistance(first[i], first[j]), b = euclideanDistance(second[i], second[j]);
      n += 1;
      sumA += a;
      sumB += b;
      sumAA += a * a;
      sumBB += b * b;
      sumAB += a * b;
    }
  }
  out.meanPairDistance = sumB / n;
  const double covariance = sumAB / n - (sumA / n) * (sumB / n);
  const double varianceA = sumAA / n - (sumA / n) * (sumA / n), varianceB = sumBB / n - (sumB / n) * (sumB / n);
  out.distanceCorrelation = varianceA > 0 && varianceB > 0 ? covariance / std::sqrt(varianceA * varianceB) : 0.0;
  return out;
}

std::string describeAgreement(const EmbeddingAgreement& a) {
  char line[256];
  std::snprintf(line, sizeof line,
                "on %zu photos an embedding moves %.4f on average (%.4f at most) while different photos lie %.4f "
                "apart; their distances correlate %.5f",
                a.photos, a.meanShift, a.largestShift, a.meanPairDistance, a.distanceCorrelation);
  return line;
}

}  // namespace siamese
