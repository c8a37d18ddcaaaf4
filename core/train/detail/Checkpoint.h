#pragma once
/// \file Checkpoint.h
/// A training run's resumable state on disk: the configuration it was made
/// with, the model and optimiser, where the next step is, the running loss,
/// the history, and the best epoch so far with its weights. Written
/// atomically, so a kill leaves the previous checkpoint whole.

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "nn/detail/ModelIo.h"
#include "train/detail/MixedPrecision.h"
#include "train/detail/WeightAverage.h"
#include "train/TrainConfig.h"
#include "train/TrainingHistory.h"

namespace siamese::detail {

/// Where a run stands, besides its model and optimiser.
struct RunState {
  int nextEpoch = 0;  ///< 0-based
  std::size_t nextStep = 0;
  double lossSum = 0;  ///< of the epoch in progress
  std::size_t lossCount = 0;
  std::vector<EpochRecord> history;
  double bestLoss = INFINITY;  ///< validation loss of the best epoch
  int bestEpoch = 0;           ///< 1-based; 0 before the first epoch ends
  int epochsSinceBest = 0;
  std::string bestWeights;     ///< serialised model of the best epoch
  WeightAverage average;       ///< with TrainConfig::averageFromEpoch
  std::optional<LossScaleState> lossScale;  ///< with loss scaling (float16)
};

void saveCheckpoint(const std::string& path, const TrainConfig& config, SiameseModel& model,
                    torch::optim::Optimizer& optimizer, const RunState& state);

/// Reads a checkpoint into `model`, `optimizer` and `state`. Threads,
/// device and patience may differ from `config` (none changes what an epoch
/// computes); anything else refuses. throws Error naming the file when it
/// is truncated, not a checkpoint, or made with another configuration.
void loadCheckpoint(const std::string& path, const TrainConfig& config, SiameseModel& model,
                    torch::optim::Optimizer& optimizer, const torch::Device& device, RunState& state);

}  // namespace siamese::detail
