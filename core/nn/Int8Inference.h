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

/// How calibration turns the values each activation took into the range
/// its 256 levels cover.
enum class Int8Ranges {
  MinMax,        ///< all of it: nothing clipped, but a few outliers coarsen every step
  LeastSquares,  ///< the range of least expected squared error, rounding and clipping together
};
/// "min-max", "least-squares"; parseInt8Ranges throws Error on other names.
std::string int8RangesName(Int8Ranges method);
Int8Ranges parseInt8Ranges(const std::string& name);

/// Empty when `network` can run in 8-bit integers on this machine's CPU;
/// otherwise why not, for the user.
std::string int8Unsupported(const NetworkConfig& network);

/// Embeds `count` packed crops (uint8 [count, cropSize, cropSize, channels],
/// as a face cache stores them) with `bundle`'s float32 network and records
/// the range of every activation that integer inference quantizes, chosen
/// by `method`. `calibratedOn` names the crops. throws Error when the network cannot run
/// in 8-bit integers (int8Unsupported) or there are no crops.
Int8Calibration calibrateInt8(const BundleFile& bundle, const std::uint8_t* crops, std::size_t count, int cropSize,
                              int channels, const std::string& calibratedOn,
                              Int8Ranges method = Int8Ranges::MinMax);

}  // namespace siamese
