#pragma once

// Whether training runs its 3×3 convolutions' backward passes by Winograd's transform
// (TrainOptions::winograd; the kernels are oneDNN's, the autograd wiring is
// nn/detail/WinogradConvolution.h). No LibTorch headers here.

#include <cstdint>

namespace siamese {

/// Whether oneDNN's Winograd convolutions can run here: built with
/// oneDNN's headers (libdnnl-dev), on a CPU oneDNN has Winograd kernels
/// for (AVX-512 on x86).
bool winogradSupported();

/// How many convolutions this process has run whose gradients Winograd's
/// transform computes: lets a test or a benchmark see that they ran at all.
std::uint64_t winogradConvolutionsRun();

}  // namespace siamese
