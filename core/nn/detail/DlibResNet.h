#pragma once
// Private to core: dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1)
// as a LibTorch module. Its weights come from `siamese import` (FaceTowerImport.cpp);
// dlib's per-channel affine layers are folded into the convolutions there.

#include <torch/torch.h>

#include <string>
#include <vector>

#include "nn/detail/DlibResNetLayout.h"
#include "nn/detail/WinogradConvolution.h"

namespace siamese::detail {

/// conv–ReLU–conv plus the shortcut, then ReLU. A down block pools the
/// shortcut and, like dlib's add_prev, counts channels or rows missing from
/// either branch as zeros.
class TowerBlockImpl : public torch::nn::Module {
 public:
  explicit TowerBlockImpl(const TowerBlockSpec& spec);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  bool m_down;
  Convolution m_conv1{nullptr}, m_conv2{nullptr};
};
TORCH_MODULE(TowerBlock);

/// Normalised RGB [N, 3, 150, 150] → 128-value descriptors (unnormalised).
/// For transfer learning it runs in stages: the stem (0), the residual
/// blocks (1..14) and the pooled linear layer (15); kStages ends it.
class DlibResNetImpl : public torch::nn::Module {
 public:
  static constexpr int kStages = kDlibResNetStages;

  DlibResNetImpl();
  torch::Tensor forward(const torch::Tensor& images) { return forwardStages(images, 0, kStages); }
  /// Runs stages [from, to) on what stage `from` takes.
  torch::Tensor forwardStages(torch::Tensor x, int from, int to);
  /// The weights of stage `stage`.
  std::vector<torch::Tensor> stageParameters(int stage);

 private:
  Convolution m_stem{nullptr};
  std::vector<TowerBlock> m_blocks;
  torch::nn::Linear m_fc{nullptr};
};
TORCH_MODULE(DlibResNet);

}  // namespace siamese::detail
