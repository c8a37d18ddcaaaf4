#include "train/detail/MixedPrecision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "common/Error.h"

namespace siamese::detail {
namespace {

// LibTorch 2.4 replaced autocast's per-device functions (set_cpu_enabled,
// set_enabled for CUDA, ...) by ones that take the device; Debian's 1.13
// has only the old ones, a GPU machine's PyTorch the new.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocastEnabled(c10::DeviceType device) { return at::autocast::is_autocast_enabled(device); }
at::ScalarType autocastType(c10::DeviceType device) { return at::autocast::get_autocast_dtype(device); }
void setAutocast(c10::DeviceType device, bool enabled, at::ScalarType type) {
  at::autocast::set_autocast_enabled(device, enabled);
  at::autocast::set_autocast_dtype(device, type);
}
#else
bool autocastEnabled(c10::DeviceType device) {
  return device == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}
at::ScalarType autocastType(c10::DeviceType device) {
  return device == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
void setAutocast(c10::DeviceType device, bool enabled, at::ScalarType type) {
  if (device == c10::DeviceType::CUDA) {
    at::autocast::set_enabled(enabled);
    at::autocast::set_autocast_gpu_dtype(type);
  } else {
    at::autocast::set_cpu_enabled(enabled);
    at::autocast::set_autocast_cpu_dtype(type);
  }
}
#endif

}  // namespace

AutocastScope::AutocastScope(c10::DeviceType device, at::ScalarType type)
    : m_device(device), m_wasEnabled(autocastEnabled(device)), m_wasType(autocastType(device)) {
  if (device != c10::DeviceType::CPU && device != c10::DeviceType::CUDA) {
    throw Error("16-bit training runs on the CPU or a CUDA GPU only");
  }
  setAutocast(device, true, type);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  setAutocast(m_device, m_wasEnabled, m_wasType);
}

LossScaler::LossScaler(double initialScale, int growthInterval) : m_growthInterval(growthInterval) {
  m_state.scale = initialScale;
}

void LossScaler::skipStep() {
  m_state.scale *= 0.5;
  m_state.goodSteps = 0;
  ++m_state.skippedInARow;
  ++m_state.skippedSteps;
}

bool LossScaler::unscale(const std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> gradients;
  for (const torch::Tensor& p : parameters) {
    if (p.grad().defined()) gradients.push_back(p.grad());
  }
  bool overflowed = false;
  if (!gradients.empty() && gradients.front().is_cuda()) {
    // On a GPU, LibTorch's fused kernel (what PyTorch's GradScaler calls):
    // every gradient unscaled and checked in a few launches, not four each.
    torch::Tensor found = torch::zeros({1}, gradients.front().options());
    const torch::Tensor inverse = torch::full({1}, 1.0 / m_state.scale, gradients.front().options());
    at::_amp_foreach_non_finite_check_and_unscale_(gradients, found, inverse);
    overflowed = found.item<float>() > 0;
  } else {
    torch::Tensor nonFinite;
    for (torch::Tensor& g : gradients) {
      g.mul_(1.0 / m_state.scale);
      // Gathered on the device: one transfer to the host a step, not one per tensor.
      const torch::Tensor bad = torch::logical_not(torch::isfinite(g)).any();
      nonFinite = nonFinite.defined() ? nonFinite.logical_or(bad) : bad;
    }
    overflowed = nonFinite.defined() && nonFinite.item<bool>();
  }
  if (overflowed) {
    skipStep();
    return false;
  }
  m_state.skippedInARow = 0;
  if (++m_state.goodSteps >= m_growthInterval) {
    m_state.scale *= 2.0;
    m_state.goodSteps = 0;
  }
  return true;
}

}  // namespace siamese::detail
