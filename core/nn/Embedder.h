#pragma once
/// \file Embedder.h
/// Runs a trained model: aligned face crops in, embeddings out, and the
/// model's distance between two embeddings. No LibTorch type appears here.

#include <memory>
#include <string>
#include <vector>

#include "common/Image.h"
#include "nn/ModelBundle.h"

namespace siamese {

using Embedding = std::vector<float>;

enum class DevicePreference { Auto, Cpu, Cuda };

/// Parses "auto", "cpu", "cuda". throws Error otherwise.
DevicePreference parseDevice(const std::string& name);

/// Sets LibTorch's intra-op thread count (0: every core). LibTorch starts
/// with one thread on these machines, which wastes the others.
void configureTorchThreads(int threads = 0);

/// LibTorch's version ("1.13.0"), for About boxes: no torch header outside core.
std::string torchVersion();

/// Where Auto would run a model: "cuda:0" when LibTorch sees a GPU, else "cpu".
std::string autoDeviceName();

/// Embedding from several threads at once is safe: it changes nothing in
/// the model (evaluation mode, LibTorch inference mode), so a Session shares
/// one Embedder between the live view and the gallery's jobs.
class Embedder {
 public:
  /// Loads a bundle onto the preferred device (Auto: CUDA when available).
  /// throws FileError/Error when the bundle is missing, truncated, or its
  /// weights do not fit its architecture.
  static std::unique_ptr<Embedder> load(const std::string& bundlePath,
                                        DevicePreference device = DevicePreference::Auto);
  /// The same for a bundle in memory (a model just trained, not yet
  /// written); `origin` names it in errors.
  static std::unique_ptr<Embedder> fromBundle(const BundleFile& bundle, DevicePreference device = DevicePreference::Auto,
                                              const std::string& origin = "the trained model");
  ~Embedder();

  /// Embeds crops made with the bundle's InputSpec (other sizes are
  /// resized; colour/grey converted). Batched internally.
  std::vector<Embedding> embed(const std::vector<Image>& crops);

  /// Embeds `count` packed crops of cropSize×cropSize×channels bytes each
  /// (the face cache's layout) without copying them into Images first;
  /// they are resized and converted to the model's input like embed().
  std::vector<Embedding> embedPacked(const std::uint8_t* pixels, std::size_t count, int cropSize, int channels);

  /// On the CPU with two threads, cut a batch of 4 faces or more in two,
  /// one half embedded on a helper thread (on), or let LibTorch split each
  /// layer between the threads (off). Off by default in float32, where the
  /// cut was not faster in every case; on by default in 8-bit integers,
  /// where oneDNN's integer layers split between two threads ran slower
  /// than on one (`siamese bench embedding --batch-split-too`). For
  /// benchmarks: set it before embedding, not while.
  void setBatchSplitBetweenThreads(bool split);
  bool batchSplitBetweenThreads() const;

  /// The model's distance: Euclidean, or 1 − P(same) for a Koch head.
  double distance(const Embedding& a, const Embedding& b) const;

  const BundleMetadata& metadata() const;
  /// "int8" when the bundle's 8-bit calibration is in use (on the CPU, with
  /// an integer engine), "bfloat16" when the bundle asks for it and the CPU
  /// computes it (BFloat16Inference.h), else "float32".
  std::string precision() const;
  /// "cpu" or "cuda:0".
  std::string deviceName() const;

  struct Impl;

 private:
  explicit Embedder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace siamese
