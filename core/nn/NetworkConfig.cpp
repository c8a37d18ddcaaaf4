#include "nn/NetworkConfig.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/Error.h"

namespace siamese {

void NetworkConfig::validate() const {
  auto fail = [](const std::string& what) { throw Error("invalid network: " + what); };
  if (projection != "none" && projection != "linear" && projection != "mlp") {
    fail("projection must be none, linear or mlp");
  }
  if (embeddingSize < 2 || embeddingSize > 4096) fail("embedding size must be 2..4096");
  if (isDlibResNet()) {
    // Its topology is fixed: only the values it was imported with fit its weights.
    const NetworkConfig fixed = dlibResNet();
    if (inputSize != fixed.inputSize || channels != fixed.channels ||
        (!hasProjection() && embeddingSize != fixed.embeddingSize)) {
      fail("dlib-resnet takes 150x150 colour input and gives 128 values (another size needs a projection)");
    }
    return;
  }
  if (architecture != "convnet" && architecture != "resnet") {
    fail("architecture must be convnet, resnet or dlib-resnet");
  }
  if (inputSize < 16 || inputSize > 512) fail("input size must be 16..512");
  if (channels != 1 && channels != 3) fail("channels must be 1 or 3");
  if (blocks < 1 || blocks > 6) fail("blocks must be 1..6");
  if ((inputSize >> blocks) < 1) fail("too many blocks for the input size");
  if (filters < 4 || filters > 256) fail("filters must be 4..256");
  if (kernel < 1 || kernel > 9 || kernel % 2 == 0) fail("kernel must be odd, 1..9");
  if (convsPerBlock < 1 || convsPerBlock > 4) fail("convs per block must be 1..4");
  if (pooling != "max" && pooling != "avg") fail("pooling must be max or avg");
  if (dropout < 0 || dropout >= 1) fail("dropout must be in [0, 1)");
  if (activation != "relu" && activation != "tanh") fail("activation must be relu or tanh");
}

int NetworkConfig::pooledGrid() const {
  int side = inputSize;
  for (int b = 0; b < blocks; ++b) side = architecture == "resnet" ? (side + 1) / 2 : side / 2;
  return std::max(1, std::min(4, side));
}

int NetworkConfig::baseOutputSize() const {
  if (isDlibResNet()) return dlibResNet().embeddingSize;
  return embeddingSize;
}

NetworkConfig NetworkConfig::dlibResNet() {
  NetworkConfig c;
  c.architecture = "dlib-resnet";
  c.inputSize = 150;
  c.channels = 3;
  c.blocks = 5;        // informational: the stem and four stages of residual blocks
  c.filters = 32;
  c.batchNorm = false; // dlib's affine layers are folded into the convolutions
  c.dropout = 0;
  c.embeddingSize = 128;
  c.l2Normalize = false;  // dlib's descriptors are compared unnormalised (threshold 0.6)
  return c;
}

std::string NetworkConfig::toJson() const {
  nlohmann::json j = {{"architecture", architecture}, {"input_size", inputSize}, {"channels", channels},
                      {"blocks", blocks}, {"filters", filters}, {"kernel", kernel},
                      {"convs_per_block", convsPerBlock}, {"pooling", pooling}, {"batch_norm", batchNorm},
                      {"dropout", dropout}, {"activation", activation}, {"embedding_size", embeddingSize},
                      {"l2_normalize", l2Normalize}};
  if (hasProjection()) j["projection"] = projection;  // absent in bundles made before projections
  return j.dump();
}

NetworkConfig NetworkConfig::fromJson(const std::string& text) {
  NetworkConfig c;
  try {
    const auto j = nlohmann::json::parse(text);
    c.architecture = j.value("architecture", c.architecture);
    c.inputSize = j.value("input_size", c.inputSize);
    c.channels = j.value("channels", c.channels);
    c.blocks = j.value("blocks", c.blocks);
    c.filters = j.value("filters", c.filters);
    c.kernel = j.value("kernel", c.kernel);
    c.convsPerBlock = j.value("convs_per_block", c.convsPerBlock);
    c.pooling = j.value("pooling", c.pooling);
    c.batchNorm = j.value("batch_norm", c.batchNorm);
    c.dropout = j.value("dropout", c.dropout);
    c.activation = j.value("activation", c.activation);
    c.embeddingSize = j.value("embedding_size", c.embeddingSize);
    c.l2Normalize = j.value("l2_normalize", c.l2Normalize);
    c.projection = j.value("projection", c.projection);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed network description: ") + e.what());
  }
  c.validate();
  return c;
}

}  // namespace siamese
