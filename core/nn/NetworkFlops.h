#pragma once
/// \file NetworkFlops.h
/// How much arithmetic one image costs a network, counted from its
/// configuration: 2 FLOPs per multiply-add of every convolution and linear
/// layer. Batch norm, activations, pooling and the loss are left out (a few
/// percent on these networks). Training one image costs about three times
/// the forward pass (the backward pass computes gradients for both the
/// inputs and the weights of each layer).

#include "nn/NetworkConfig.h"

namespace siamese {

/// FLOPs of one image's forward pass.
double forwardFlopsPerImage(const NetworkConfig& config);

/// FLOPs of one image's training step, forward and backward, every layer
/// trained: 3 × forwardFlopsPerImage.
double trainingFlopsPerImage(const NetworkConfig& config);

}  // namespace siamese
