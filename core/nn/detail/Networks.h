#pragma once
// Private to core: the LibTorch modules. Include only from the few .cpp
// files that need torch (each such file costs ~25 s to compile here).

#include <torch/torch.h>

#include "nn/NetworkConfig.h"
#include "nn/detail/DlibResNet.h"

namespace siamese::detail {

/// One branch of the siamese network: image batch [N, C, H, W] (floats,
/// normalised to [-1, 1]) → embeddings [N, embeddingSize].
class EmbeddingNetImpl : public torch::nn::Module {
 public:
  explicit EmbeddingNetImpl(const NetworkConfig& config);
  torch::Tensor forward(torch::Tensor images);
  const NetworkConfig& config() const { return m_config; }

 private:
  NetworkConfig m_config;
  torch::nn::Sequential m_features{nullptr};
  torch::nn::Dropout m_dropout{nullptr};
  torch::nn::Linear m_embedding{nullptr};
  DlibResNet m_tower{nullptr};  ///< set instead of the above for "dlib-resnet"
};
TORCH_MODULE(EmbeddingNet);

/// Koch et al.'s similarity head: a learned weighting of the component-wise
/// L1 distance |a - b|, squashed by a sigmoid into P(same).
class KochHeadImpl : public torch::nn::Module {
 public:
  explicit KochHeadImpl(int embeddingSize);
  /// Logits (before the sigmoid), shape [N].
  torch::Tensor forward(const torch::Tensor& a, const torch::Tensor& b);

 private:
  torch::nn::Linear m_weights{nullptr};
};
TORCH_MODULE(KochHead);

}  // namespace siamese::detail
