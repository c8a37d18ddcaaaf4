#pragma once
// Private to core: the LibTorch modules. Include only from the few .cpp
// files that need torch (each such file costs ~25 s to compile here).

#include <torch/torch.h>

#include "nn/NetworkConfig.h"
#include "nn/detail/DlibResNet.h"

namespace siamese::detail {

/// The layers of a residual net ("resnet" architecture) in the order they
/// run, for integer inference (Int8ResidualNet reads their weights). Each
/// convolution is followed by a ReLU except a block's second, which is
/// added to the shortcut first; the pointers live as long as the network.
struct ResidualNetLayers {
  struct Block {
    torch::nn::Conv2dImpl* conv1 = nullptr;
    torch::nn::Conv2dImpl* conv2 = nullptr;
    torch::nn::Conv2dImpl* shortcut = nullptr;  ///< null: the block's input itself
  };
  torch::nn::Conv2dImpl* stem = nullptr;
  std::vector<Block> blocks;
  int grid = 1;  ///< the features are average-pooled to grid × grid, then flattened
};

/// One branch of the siamese network: image batch [N, C, H, W] (floats,
/// normalised to [-1, 1]) → embeddings [N, embeddingSize].
///
/// For transfer learning the branch is a chain of stages: the base network
/// (the face tower's 16 stages, or one stage for our own networks), then
/// the projection (an identity stage when there is none). Training can
/// start at any stage: the ones before it are frozen, and since they hold
/// no batch statistics or dropout when evaluated, their output for a photo
/// never changes, so the trainer computes it once (frozenPart) and trains
/// the rest on it (trainablePart).
class EmbeddingNetImpl : public torch::nn::Module {
 public:
  explicit EmbeddingNetImpl(const NetworkConfig& config);
  torch::Tensor forward(torch::Tensor images) { return trainablePart(frozenPart(std::move(images))); }
  const NetworkConfig& config() const { return m_config; }

  /// Stages of the base network; the projection is stage baseStages().
  int baseStages() const;
  /// Freezes every stage before `stage` (their weights stop requiring
  /// gradients); 0 trains everything.
  void freezeBefore(int stage);
  int firstTrainableStage() const { return m_firstTrainable; }
  /// The frozen stages' output for a batch (no gradients); the batch itself
  /// when nothing is frozen.
  torch::Tensor frozenPart(torch::Tensor images);
  /// The trainable stages, then the normalisation, on frozenPart's output.
  torch::Tensor trainablePart(torch::Tensor features);
  /// For evaluation only, after eval() and moving to the device: each batch
  /// norm is folded into the convolution before it (same output, one pass
  /// less over the activations). The network can no longer be trained or
  /// saved; its batch-norm modules stay registered but are not used.
  void foldBatchNorm();
  /// A residual net's layers, after foldBatchNorm (Error for any other
  /// network, or before the batch norms are folded).
  ResidualNetLayers residualLayers();
  /// Quantization-aware training, for a residual net of ours: with
  /// `ranges` (Int8Calibration's layout, measured on this network), the
  /// forward pass rounds what 8-bit inference (Int8ResidualNet) rounds:
  /// each convolution's weights, its batch norm folded in, per output
  /// channel, and each activation it quantizes. Gradients pass the rounding
  /// as if it were not there (straight-through), and the batch norms keep
  /// their running statistics, in training too, as the folded integer
  /// network will. The network learns weights that integers round less
  /// harmfully. Empty: the ordinary forward pass.
  void setInt8Rounding(std::vector<float> ranges);
  /// What follows the pooled features [N, C·grid·grid]: the embedding
  /// layer, the projection, and the normalisation.
  torch::Tensor embeddingOfFeatures(torch::Tensor pooled);
  /// The weights of stages [from, to).
  std::vector<torch::Tensor> stageParameters(int from, int to);

 private:
  torch::Tensor runStages(torch::Tensor x, int from, int to);
  /// m_features' output with the rounding of setInt8Rounding.
  torch::Tensor featuresRoundedLikeInt8(torch::Tensor x);

  NetworkConfig m_config;
  torch::nn::Sequential m_features{nullptr};
  torch::nn::Dropout m_dropout{nullptr};
  torch::nn::Linear m_embedding{nullptr};
  DlibResNet m_tower{nullptr};  ///< set instead of the above for "dlib-resnet"
  torch::nn::Sequential m_projection{nullptr};
  int m_firstTrainable = 0;
  std::vector<float> m_int8Ranges;  ///< setInt8Rounding's; empty: none
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
