#pragma once
/// \file Augmentation.h
/// Random changes to a training batch: mirroring, rotation, zoom, shift,
/// brightness and contrast. Inputs are in [-1, 1] and stay there. The
/// draws come from a generator of the batch's own, seeded by the caller
/// (the trainer: from seed, epoch and step), so a batch is the same on
/// whichever thread it is made and whatever ran before it.

#include <cstdint>

#include <torch/torch.h>

#include "train/TrainConfig.h"

namespace siamese::detail {

/// `images`: [N, C, H, W] in [-1, 1]. Returns them unchanged when
/// augmentation is off.
torch::Tensor augmentBatch(torch::Tensor images, const AugmentConfig& config, std::uint64_t seed);

}  // namespace siamese::detail
