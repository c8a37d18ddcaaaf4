#pragma once
/// \file NetworkConfig.h
/// The architecture of a siamese branch, as plain values: what the tuner
/// searches over, what a model bundle records, what the GUI edits.

#include <string>

namespace siamese {

/// One branch of the twin network (both branches share its weights by
/// construction: the same module embeds both faces of a pair).
struct NetworkConfig {
  /// "convnet": a tower of conv blocks (the CelebA project's search space);
  /// "resnet": a small residual network; "dlib-resnet": dlib's 29-layer
  /// face-recognition ResNet (fixed topology: 150×150 RGB in, 128 out,
  /// imported by `siamese import`, see FaceTowerImport.h).
  std::string architecture = "convnet";
  int inputSize = 64;        ///< square input, px
  int channels = 1;          ///< 1 grey, 3 colour
  int blocks = 4;            ///< conv blocks (each halves the resolution)
  int filters = 32;          ///< filters of the first block; doubled each block, capped at 256
  int kernel = 3;            ///< convnet kernel size (odd)
  int convsPerBlock = 2;     ///< convnet: convolutions before each pooling
  std::string pooling = "max";        ///< "max" or "avg"
  bool batchNorm = true;
  double dropout = 0.1;      ///< before the embedding layer
  std::string activation = "relu";    ///< "relu" or "tanh"
  int embeddingSize = 128;
  bool l2Normalize = true;   ///< unit-length embeddings
  /// A projection trained on top of the network's output (transfer
  /// learning: a head on a pretrained tower): "none", "linear" (starts as
  /// the identity when the sizes match, so training starts from the
  /// tower's own embedding) or "mlp" (one hidden layer of 256, ReLU).
  /// With one, embeddingSize is the projection's output and
  /// baseOutputSize() what it reads.
  std::string projection = "none";

  bool hasProjection() const { return projection != "none"; }
  /// What the network before the projection gives: 128 for dlib-resnet,
  /// else embeddingSize (a projection keeps the base's own size).
  int baseOutputSize() const;
  /// Our own networks (not dlib-resnet): the side of the grid their last
  /// features are average-pooled to before the embedding layer (at most 4;
  /// the resolution after the blocks when smaller). The embedding layer's
  /// weights fit every input size that gives the same grid.
  int pooledGrid() const;

  /// The fixed configuration of dlib's face-recognition ResNet.
  static NetworkConfig dlibResNet();
  bool isDlibResNet() const { return architecture == "dlib-resnet"; }

  /// Throws Error naming the first invalid field.
  void validate() const;
  std::string toJson() const;
  /// throws Error on malformed JSON or invalid values.
  static NetworkConfig fromJson(const std::string& json);
};

}  // namespace siamese
