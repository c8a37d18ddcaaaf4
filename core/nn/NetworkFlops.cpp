#include "nn/NetworkFlops.h"

#include <algorithm>

#include "nn/detail/DlibResNetLayout.h"

namespace siamese {
namespace {

double conv(int in, int out, int kernel, int outputSide) {
  return 2.0 * in * out * kernel * kernel * double(outputSide) * outputSide;
}

double linear(int in, int out) { return 2.0 * in * out; }

// The embedding head shared by the convnet and the resnet: pooled to at
// most 4×4, flattened, one linear layer (Networks.cpp).
double head(int channels, int side, int embedding) {
  const int grid = std::max(1, std::min(4, side));
  return linear(channels * grid * grid, embedding);
}

double convnetFlops(const NetworkConfig& c) {
  double flops = 0;
  int in = c.channels, side = c.inputSize;
  for (int b = 0; b < c.blocks; ++b) {
    const int out = std::min(256, c.filters << b);
    for (int k = 0; k < c.convsPerBlock; ++k) flops += conv(k == 0 ? in : out, out, c.kernel, side);
    in = out;
    side /= 2;
  }
  return flops + head(in, side, c.embeddingSize);
}

double resnetFlops(const NetworkConfig& c) {
  double flops = conv(c.channels, c.filters, 3, c.inputSize);
  int in = c.filters, side = c.inputSize;
  for (int b = 0; b < c.blocks; ++b) {
    const int out = std::min(256, c.filters << b);
    side = (side + 1) / 2;  // stride 2, padding 1
    flops += conv(in, out, 3, side) + conv(out, out, 3, side) + conv(in, out, 1, side);  // + the 1×1 shortcut
    in = out;
  }
  return flops + head(in, side, c.embeddingSize);
}

// The tower from stage `firstStage` on (0 stem, 1..14 blocks, 15 final layer).
double dlibResNetFlops(int firstStage) {
  // 150 px: 7×7 stride-2 stem without padding, 3×3 stride-2 max pool.
  int side = (150 - 7) / 2 + 1;
  double flops = firstStage <= 0 ? conv(3, 32, 7, side) : 0;
  side = (side - 3) / 2 + 1;
  int stage = 1;
  for (const detail::TowerBlockSpec& block : detail::dlibResNetBlocks()) {
    if (block.down) side = (side - 3) / 2 + 1;  // stride 2 without padding
    if (stage++ >= firstStage) flops += conv(block.in, block.out, 3, side) + conv(block.out, block.out, 3, side);
  }
  return flops + (firstStage < detail::kDlibResNetStages ? linear(256, 128) : 0);
}

double projectionFlops(const NetworkConfig& c) {
  if (c.projection == "mlp") return linear(c.baseOutputSize(), 256) + linear(256, c.embeddingSize);
  return c.projection == "linear" ? linear(c.baseOutputSize(), c.embeddingSize) : 0;
}

}  // namespace

double forwardFlopsPerImage(const NetworkConfig& config) { return forwardFlopsPerImage(config, 0); }

double forwardFlopsPerImage(const NetworkConfig& config, int firstStage) {
  double base = 0;
  if (config.isDlibResNet()) {
    base = dlibResNetFlops(firstStage);
  } else if (firstStage <= 0) {
    base = config.architecture == "resnet" ? resnetFlops(config) : convnetFlops(config);
  }
  return base + projectionFlops(config);
}

double trainingFlopsPerImage(const NetworkConfig& config, int firstTrainableStage) {
  return 3 * forwardFlopsPerImage(config, firstTrainableStage);
}

}  // namespace siamese
