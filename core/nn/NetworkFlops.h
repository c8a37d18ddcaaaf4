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

/// FLOPs of one image's forward pass (the projection included).
double forwardFlopsPerImage(const NetworkConfig& config);

/// FLOPs of one image's forward pass from stage `firstStage` on (stages as
/// in transfer learning: the tower's 16, or 1 for our own networks, then
/// the projection); 0 is the whole network.
double forwardFlopsPerImage(const NetworkConfig& config, int firstStage);

/// FLOPs of one image's training step, forward and backward, of the layers
/// from stage `firstTrainableStage` on (the frozen ones before it run once
/// per photo, not per step): 3 × their forward FLOPs.
double trainingFlopsPerImage(const NetworkConfig& config, int firstTrainableStage = 0);

}  // namespace siamese
