#pragma once
/// \file BatchSampler.h
/// Which faces each training step sees: P people × K photos (online
/// sampling) or the next window of a per-epoch permutation of the pairs
/// (pairs sampling). Every draw derives from (seed, epoch, step), so a
/// resumed run replays exactly the batches an uninterrupted one would.
/// No LibTorch here: the trainer turns the faces into tensors.

#include <cstdint>
#include <vector>

#include "common/Random.h"
#include "data/FaceCache.h"
#include "train/TrainConfig.h"
#include "train/Trainer.h"

namespace siamese::detail {

/// splitmix64 of three values: independent seeds for (seed, epoch, step),
/// so any step can be replayed without the generator states before it.
std::uint64_t mixSeeds(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0);

struct OnlineBatch {
  std::vector<int> faces;   ///< P·K face indices, K per person in a row
  std::vector<int> labels;  ///< 0 … P−1, the person of each face within the batch
};

struct PairBatch {
  std::vector<int> faces;   ///< the first photos of the pairs, then the second ones
  std::vector<float> same;  ///< 1 for a same-person pair
};

class BatchSampler {
 public:
  /// throws Error when the data cannot form batches (too few people with
  /// two photos for P, no training or validation pairs).
  BatchSampler(const FaceCache& cache, const TrainData& data, const TrainConfig& config);

  std::size_t stepsPerEpoch() const { return m_stepsPerEpoch; }
  std::size_t imagesPerStep() const;

  /// P people drawn without replacement, K photos each (people with fewer
  /// than K photos repeat some: augmentation makes the repeats differ).
  /// With hard negatives, one drawn at random fills the last slot and its
  /// person the first.
  /// With the distillation loss, P·K distinct photos drawn from every
  /// training photo instead (labels unused).
  OnlineBatch online(Rng& rng) const;
  /// The step's window of this epoch's permutation of the training pairs.
  PairBatch pairs(int epoch, std::size_t step);

 private:
  const TrainData& m_data;
  TrainConfig m_config;
  OnlineBatch distillation(Rng& rng) const;

  std::vector<std::vector<int>> m_facesOfPeople;  ///< online: eligible training people's faces
  std::vector<int> m_distilFaces;                 ///< distillation: every training photo
  std::vector<std::size_t> m_hardNegativePeople;  ///< per hard negative: its person's index
  std::size_t m_stepsPerEpoch = 0;
  std::vector<std::size_t> m_pairOrder;  ///< pairs: this epoch's order
  int m_orderEpoch = -1;
};

}  // namespace siamese::detail
