#include "train/detail/Augmentation.h"

#include <cmath>

#include <ATen/CPUGeneratorImpl.h>

namespace siamese::detail {
namespace {

namespace F = torch::nn::functional;

// Draws on the CPU (the generator is a CPU one), used on the batch's device.
torch::Tensor uniform(std::int64_t n, double halfWidth, at::Generator& generator, const torch::TensorOptions& options) {
  return ((torch::rand({n}, generator, torch::kFloat32) * 2 - 1) * halfWidth).to(options.device());
}

}  // namespace

torch::Tensor augmentBatch(torch::Tensor x, const AugmentConfig& a, std::uint64_t seed) {
  if (!a.enabled) return x;
  at::Generator generator = at::detail::createCPUGenerator(seed);
  const std::int64_t n = x.size(0);
  const auto options = x.options();
  if (a.flip) {
    const torch::Tensor mirror = (torch::rand({n}, generator, torch::kFloat32) < 0.5).to(options.device()).view({n, 1, 1, 1});
    x = torch::where(mirror, x.flip({3}), x);
  }
  if (a.rotateDegrees > 0 || a.scale > 0 || a.shift > 0) {
    const torch::Tensor angle = uniform(n, a.rotateDegrees * M_PI / 180.0, generator, options);
    const torch::Tensor zoom = 1 + uniform(n, a.scale, generator, options);
    // affine_grid maps output to input coordinates in [-1, 1]: a shift of a
    // fraction f of the crop is 2f there.
    const torch::Tensor tx = uniform(n, 2 * a.shift, generator, options);
    const torch::Tensor ty = uniform(n, 2 * a.shift, generator, options);
    const torch::Tensor c = torch::cos(angle) / zoom, s = torch::sin(angle) / zoom;
    const torch::Tensor theta = torch::stack({torch::stack({c, -s, tx}, 1), torch::stack({s, c, ty}, 1)}, 1);
    const torch::Tensor grid = F::affine_grid(theta, x.sizes(), false);
    x = F::grid_sample(x, grid,
                       F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false));
  }
  if (a.brightness > 0 || a.contrast > 0) {
    const torch::Tensor mean = x.mean({1, 2, 3}, true);
    const torch::Tensor contrast = (1 + uniform(n, a.contrast, generator, options)).view({n, 1, 1, 1});
    const torch::Tensor brightness = uniform(n, a.brightness, generator, options).view({n, 1, 1, 1});
    x = ((x - mean) * contrast + mean + brightness).clamp(-1, 1);
  }
  return x;
}

}  // namespace siamese::detail
