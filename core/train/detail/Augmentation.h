#pragma once
/// \file Augmentation.h
/// Random changes to a training batch, on the device, drawn from LibTorch's
/// generator (the trainer seeds it per step): mirroring, rotation, zoom,
/// shift, brightness and contrast. Inputs are in [-1, 1] and stay there.

#include <torch/torch.h>

#include "train/TrainConfig.h"

namespace siamese::detail {

/// `images`: [N, C, H, W] in [-1, 1]. Returns them unchanged when
/// augmentation is off.
torch::Tensor augmentBatch(torch::Tensor images, const AugmentConfig& config);

}  // namespace siamese::detail
