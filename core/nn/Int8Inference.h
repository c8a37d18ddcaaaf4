#pragma once
/// \file Int8Inference.h
/// 8-bit integer inference on the CPU for our residual nets (the distilled
/// student): weights quantized per output channel, activations per tensor
/// at scales measured once on calibration crops and kept in the bundle
/// (BundleMetadata::int8). oneDNN's int8 convolutions (AVX-512 VNNI on
/// these cores) do the work; the pooled features go back to float32 for
/// the embedding layer and the normalisation.

#include <cstddef>
#include <cstdint>
#include <string>

#include "nn/ModelBundle.h"

namespace siamese {

/// Empty when `network` can run in 8-bit integers on this machine's CPU;
/// otherwise why not, for the user.
std::string int8Unsupported(const NetworkConfig& network);

/// Embeds `count` packed crops (uint8 [count, cropSize, cropSize, channels],
/// as a face cache stores them) with `bundle`'s float32 network and records
/// the range of every activation that integer inference quantizes.
/// `calibratedOn` names the crops. throws Error when the network cannot run
/// in 8-bit integers (int8Unsupported) or there are no crops.
Int8Calibration calibrateInt8(const BundleFile& bundle, const std::uint8_t* crops, std::size_t count, int cropSize,
                              int channels, const std::string& calibratedOn);

}  // namespace siamese
