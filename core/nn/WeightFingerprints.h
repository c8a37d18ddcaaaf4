#pragma once
/// \file WeightFingerprints.h
/// A fingerprint of every weight tensor of a bundle, by name, so that two
/// models can be compared layer by layer without LibTorch: which layers a
/// fine-tuning changed, and that the frozen ones kept every bit.

#include <map>
#include <string>

#include "nn/ModelBundle.h"

namespace siamese {

/// Parameter name ("net.tower.conv32_1.conv1.weight", "net.projection.0.bias",
/// "head.weights.weight") → a hash of its shape and bytes. throws Error
/// when the weights do not fit the bundle's architecture.
std::map<std::string, std::string> weightFingerprints(const BundleFile& bundle);

}  // namespace siamese
