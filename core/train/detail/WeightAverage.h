#pragma once
/// \file WeightAverage.h
/// The running mean of a model's weights over the epochs that have ended
/// (stochastic weight averaging, TrainConfig::averageFromEpoch). Batch-norm
/// statistics are averaged with the weights, as exponential-average
/// trainers do, rather than measured again: the epochs averaged lie close
/// together on one low-learning-rate stretch, so their statistics agree.

#include <vector>

#include <torch/torch.h>

#include "nn/detail/ModelIo.h"

namespace siamese::detail {

class WeightAverage {
 public:
  /// How many epochs' weights the mean holds.
  int count() const { return m_count; }
  /// Takes `model`'s weights and buffers into the mean (integer buffers,
  /// such as batch norms' step counts, take the latest value). Frozen
  /// weights, equal in every epoch, stay bit for bit what they were.
  void add(const SiameseModel& model);
  /// Overwrites `model`'s weights and buffers with the mean, in place (each
  /// tensor keeps its layout and the optimiser its references).
  void copyInto(SiameseModel& model) const;
  /// Into a checkpoint, under the key "weight_average".
  void save(torch::serialize::OutputArchive& archive) const;
  /// From a checkpoint; a checkpoint without one leaves the mean empty.
  /// throws Error when its tensors do not fit `model`.
  void load(torch::serialize::InputArchive& archive, const SiameseModel& model, const torch::Device& device);

 private:
  std::vector<torch::Tensor> m_mean;  ///< in the order of stateOf(model)
  int m_count = 0;
};

}  // namespace siamese::detail
