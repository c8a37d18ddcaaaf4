#pragma once
/// \file BFloat16Inference.h
/// bfloat16 inference on the CPU (`siamese model --precision bfloat16`,
/// BundleMetadata::bfloat16): the folded network's weights and activations
/// in bfloat16 (float32's range, 8 bits of mantissa), its sums in float32
/// inside oneDNN's convolutions, its embedding back in float32 before the
/// normalisation. Unlike 8-bit integers it needs no calibration and fits
/// every network, the face tower too.

#include <string>

namespace siamese {

/// Whether this CPU has bfloat16 dot products (AVX512_BF16; CPUs with AMX
/// have them too), which oneDNN's bfloat16 convolutions run on. Elsewhere
/// oneDNN emulates them, slower than float32, so a bfloat16 bundle embeds
/// in float32 there. Having them is not the whole story: on these AMD EPYC
/// cores bfloat16 embeds about twice as fast as float32, but on a Xeon
/// without AMX an earlier session measured oneDNN's bfloat16 training
/// convolutions at half float32's speed (train/Trainer.h). So bfloat16 is
/// the user's choice per model, checked with `siamese bench embedding`.
bool cpuComputesBFloat16();

/// Empty when a bfloat16 bundle embeds in bfloat16 on this machine;
/// otherwise why it embeds in float32, for the user.
std::string bfloat16Unsupported();

}  // namespace siamese
