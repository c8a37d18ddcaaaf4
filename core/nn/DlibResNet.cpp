#include "nn/detail/DlibResNet.h"

#include <algorithm>

namespace siamese::detail {
namespace {

namespace F = torch::nn::functional;

Convolution convolution(int in, int out, int kernel, int stride) {
  // dlib pads a stride-1 convolution to keep the size and does not pad a
  // strided one (TF.js's "same" and "valid").
  const int padding = stride == 1 ? kernel / 2 : 0;
  return Convolution(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(true));
}

/// Zeros appended to the channels, rows and columns of `x` up to the given sizes.
torch::Tensor padTo(const torch::Tensor& x, std::int64_t channels, std::int64_t rows, std::int64_t cols) {
  const std::int64_t dc = channels - x.size(1), dr = rows - x.size(2), dw = cols - x.size(3);
  if (dc == 0 && dr == 0 && dw == 0) return x;
  return F::pad(x, F::PadFuncOptions({0, dw, 0, dr, 0, dc}));
}

}  // namespace

const std::vector<TowerBlockSpec>& dlibResNetBlocks() {
  static const std::vector<TowerBlockSpec> blocks = {
      {"conv32_1", 32, 32, false},     {"conv32_2", 32, 32, false},      {"conv32_3", 32, 32, false},
      {"conv64_down", 32, 64, true},   {"conv64_1", 64, 64, false},      {"conv64_2", 64, 64, false},
      {"conv64_3", 64, 64, false},     {"conv128_down", 64, 128, true},  {"conv128_1", 128, 128, false},
      {"conv128_2", 128, 128, false},  {"conv256_down", 128, 256, true}, {"conv256_1", 256, 256, false},
      {"conv256_2", 256, 256, false},  {"conv256_down_out", 256, 256, true}};
  return blocks;
}

TowerBlockImpl::TowerBlockImpl(const TowerBlockSpec& spec) : m_down(spec.down) {
  m_conv1 = register_module("conv1", convolution(spec.in, spec.out, 3, spec.down ? 2 : 1));
  m_conv2 = register_module("conv2", convolution(spec.out, spec.out, 3, 1));
}

torch::Tensor TowerBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = m_conv2(torch::relu(m_conv1(x)));
  torch::Tensor shortcut = m_down ? F::avg_pool2d(x, F::AvgPool2dFuncOptions(2).stride(2)) : x;
  const std::int64_t channels = std::max(y.size(1), shortcut.size(1));
  const std::int64_t rows = std::max(y.size(2), shortcut.size(2));
  const std::int64_t cols = std::max(y.size(3), shortcut.size(3));
  return torch::relu(padTo(y, channels, rows, cols) + padTo(shortcut, channels, rows, cols));
}

DlibResNetImpl::DlibResNetImpl() {
  m_stem = register_module("conv32_down", convolution(3, 32, 7, 2));
  for (const TowerBlockSpec& spec : dlibResNetBlocks()) {
    m_blocks.push_back(register_module(spec.name, TowerBlock(spec)));
  }
  m_fc = register_module("fc", torch::nn::Linear(torch::nn::LinearOptions(256, 128).bias(false)));
}

torch::Tensor DlibResNetImpl::forwardStages(torch::Tensor x, int from, int to) {
  const int lastBlockStage = int(m_blocks.size());
  for (int stage = std::max(0, from); stage < std::min(to, kStages); ++stage) {
    if (stage == 0) {
      x = F::max_pool2d(torch::relu(m_stem(x)), F::MaxPool2dFuncOptions(3).stride(2));
    } else if (stage <= lastBlockStage) {
      x = m_blocks[std::size_t(stage - 1)](x);
    } else {
      x = m_fc(x.mean({2, 3}));
    }
  }
  return x;
}

std::vector<torch::Tensor> DlibResNetImpl::stageParameters(int stage) {
  if (stage == 0) return m_stem->parameters();
  if (stage <= int(m_blocks.size())) return m_blocks[std::size_t(stage - 1)]->parameters();
  return m_fc->parameters();
}

}  // namespace siamese::detail
