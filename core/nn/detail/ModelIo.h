#pragma once
// Private to core: (de)serialising the modules of a model to bytes, and
// turning packed uint8 crops into normalised tensors.

#include <torch/torch.h>

#include <functional>
#include <string>

#include "nn/detail/Networks.h"

namespace siamese::detail {

/// The trainable parts of a model: the branch, and the Koch head when the
/// model scores pairs with one.
struct SiameseModel {
  EmbeddingNet net{nullptr};
  KochHead head{nullptr};

  std::vector<torch::Tensor> parameters() const;
  void train(bool on);
  void to(const torch::Device& device);
};

SiameseModel makeModel(const NetworkConfig& config, bool kochHead);
/// Stores the convolution weights channels-last (NHWC), the layout oneDNN's
/// CPU convolutions run fastest on; feed such a model channels-last batches.
void useChannelsLast(SiameseModel& model);
/// Whether `model` may train channels-last: not when a convolution has
/// fewer than 16 output channels. LibTorch 1.13's oneDNN backward pass then
/// corrupts the heap (seen training our residual net of 4, 8 or 12 filters,
/// and in Python with Debian's python3-torch on the same blocks; 16 and
/// 24 filters train, as does every layout in the plain one).
bool channelsLastTrains(const SiameseModel& model);
std::string serializeModel(const SiameseModel& model);
/// The weights come back in the plain layout (NCHW), whatever the layout
/// they were saved in. throws Error when the bytes do not fit the model's
/// architecture.
void deserializeModel(const std::string& bytes, SiameseModel& model);

/// Starts `model` from a model made before (transfer learning): every
/// weight and buffer of `pretrained` (serialised, of architecture
/// `pretrainedNetwork`, with a Koch head when `pretrainedKochHead`) whose name
/// and shape `model` also has is copied into it; what `model` adds (a
/// projection, a head) keeps its fresh initialisation. throws Error when the
/// bytes do not fit `pretrainedNetwork`, or when a base weight of `model`
/// has no counterpart.
void loadPretrained(const std::string& pretrained, const NetworkConfig& pretrainedNetwork, bool pretrainedKochHead,
                    SiameseModel& model);

/// Brings a batch [N, C, H, W] to `channels` (BGR → grey by luminance, or
/// grey repeated) and size×size (bilinear, antialiased when shrinking).
torch::Tensor conformBatch(torch::Tensor batch, int size, int channels);

/// Pixels [N, C, H, W] as floats in 0..255 (BGR or grey, as crops are
/// stored) → the network's input: brought to size×size and `channels`, then
/// scaled as `normalization` says ("unit-range" or "dlib-rgb", see InputSpec).
torch::Tensor toNetworkInput(torch::Tensor pixels, int size, int channels, const std::string& normalization);

/// A batch already at the network's size and channels with pixels scaled
/// to [-1, 1] ("unit-range", as the trainer augments them) → the network's
/// `normalization`; unchanged for "unit-range".
torch::Tensor fromUnitRange(torch::Tensor unitRange, const std::string& normalization);

/// uint8 crops [N, H, W, C] packed → float [N, C, H, W] in 0..255 on `device`.
torch::Tensor packedCropsToFloat(const std::uint8_t* pixels, std::size_t count, int size, int channels,
                                 const torch::Device& device);

torch::Device chooseDevice(bool preferCuda, bool requireCuda);

/// Embeddings of a conformed batch [N, C, H, W]; with `mirrorAverage`, the
/// mean of each image's and its left-right mirror's embeddings (one forward
/// pass over both), re-normalised when the network normalises.
torch::Tensor embedImages(EmbeddingNet& net, const torch::Tensor& images, bool mirrorAverage);
/// embedImages through another computation of the same network (its 8-bit
/// form): `forward` embeds a batch; `l2Normalize` as the network's config.
torch::Tensor embedImages(const std::function<torch::Tensor(const torch::Tensor&)>& forward, bool l2Normalize,
                          const torch::Tensor& images, bool mirrorAverage);

}  // namespace siamese::detail
