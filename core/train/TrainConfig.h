#pragma once
/// \file TrainConfig.h
/// Everything that decides a training run, as plain values (the CLI, the
/// tuner and the GUI's wizard fill it in; the bundle records it as JSON).

#include <cstdint>
#include <cstddef>
#include <string>

#include "nn/NetworkConfig.h"

namespace siamese {

/// Random distortions applied to training batches (Koch et al. used small
/// affine distortions; flips and lighting changes suit faces).
struct AugmentConfig {
  bool enabled = true;
  bool flip = true;              ///< mirror half of the faces
  double rotateDegrees = 8;      ///< uniform in ±this
  double scale = 0.06;           ///< zoom uniform in 1 ± this
  double shift = 0.04;           ///< translation, fraction of the crop, ± this
  double brightness = 0.15;      ///< added, in [-1, 1] pixel units, ± this
  double contrast = 0.15;        ///< multiplied, 1 ± this
};

/// Training on top of a model made before (transfer learning): the face
/// tower, or a model trained here.
struct InitConfig {
  std::string from;   ///< the model bundle to start from; empty: from scratch
  /// What trains: "all" (every layer), "last-blocks" (the face tower's last
  /// `lastBlocks` residual blocks and its final layer), or "head" (only
  /// what is new on top: the projection, a Koch head). Frozen layers keep
  /// their weights bit for bit.
  std::string train = "all";
  int lastBlocks = 2;
  /// The pretrained layers that train learn at this × the learning rate;
  /// what is new on top learns at the full rate.
  double baseLearningRateScale = 0.1;

  bool empty() const { return from.empty(); }
};

struct TrainConfig {
  NetworkConfig network;
  InitConfig init;
  /// "contrastive" (Euclidean distance, margin), "triplet" (margin),
  /// "koch" (weighted-L1 head, sigmoid, binary cross-entropy), or "distil"
  /// (teacher–student: the squared distance between the network's unit
  /// embedding and the teacher's for the same crop; no labels needed).
  std::string loss = "contrastive";
  /// With loss "distil": the model bundle whose embeddings are learned.
  std::string teacher;
  /// With loss "distil": the teacher embeds each step's augmented crops, so
  /// the student is taught the teacher's embedding of exactly what it sees
  /// ("consistent teaching"). Off: the teacher embeds each photo (and its
  /// mirror image) once, and an augmented crop is taught the embedding of
  /// the photo it was made from; faster, the teacher's cost paid once.
  bool teachAugmented = false;
  /// With teachAugmented: the share of each batch's crops blended with
  /// another crop of the batch (mixup, the weight uniform in 0..1) before
  /// the teacher and the student see them. The student then matches the
  /// teacher between faces too, not only on the photos there are; with a
  /// few thousand photos that is where a student over-fits ("function
  /// matching", Beyer et al. 2022). 0: no blends.
  double mixFaces = 0;
  /// Quantization-aware training: going on from a trained residual net of
  /// ours (`init`), the forward pass rounds weights and activations as its
  /// 8-bit inference will (EmbeddingNetImpl::setInt8Rounding), at the
  /// ranges the model it goes on from takes on the first 512 training
  /// photos. The model saved is float32; `siamese model --precision int8`
  /// then calibrates it as any other.
  bool quantizationAware = false;
  double margin = 1.0;
  /// "online": batches of P people × K photos, every pair (or the hardest
  /// triplets) inside the batch; "pairs": the explicit pair list.
  std::string sampling = "online";
  int peoplePerBatch = 16;       ///< P
  int photosPerPerson = 4;       ///< K
  int pairsPerBatch = 64;        ///< pairs mode
  int epochs = 20;
  /// Steps per epoch; 0 makes an epoch one pass over the training photos
  /// (online) or pairs (pairs mode).
  int stepsPerEpoch = 0;
  std::string optimizer = "adam";   ///< adam, adamw, rmsprop, sgd (with momentum)
  double learningRate = 1e-3;
  double weightDecay = 1e-4;
  double momentum = 0.9;            ///< sgd
  std::string schedule = "cosine";  ///< constant, step, cosine
  int stepEvery = 10;               ///< step schedule: epochs between decays
  double stepGamma = 0.5;           ///< step schedule: decay factor
  /// Stop when the validation loss has not improved for this many epochs
  /// (0: never); the best epoch's weights are kept either way.
  int patience = 5;
  /// From this epoch on (1-based; 0: never), the run also keeps the mean of
  /// the weights at the end of each epoch (stochastic weight averaging,
  /// Izmailov et al. 2018; batch-norm statistics averaged as well). At the
  /// end the average is validated like an epoch and kept when it beats the
  /// best epoch on the validation pairs. A mean over a flat stretch of the
  /// loss generalises better than any one point of it.
  int averageFromEpoch = 0;
  /// How the bundle's threshold is chosen on the validation pairs:
  /// midpoint, best-accuracy, eer, far=<rate>.
  std::string thresholdMethod = "best-accuracy";
  AugmentConfig augment;
  std::uint64_t seed = 1;
  /// The seed of the split of people into training, validation and test
  /// (0: `seed`). A run that goes on from a model (`init`) keeps that
  /// model's split, so that its validation people stay people it never
  /// trained on, while its batches come from a seed of its own.
  std::uint64_t splitSeed = 0;
  int threads = 0;                  ///< LibTorch threads; 0: every core
  std::string device = "auto";      ///< auto, cpu, cuda

  /// Whether the trained model embeds each crop with its mirror image
  /// (InputSpec::mirrorAverage): only when it learned that a mirrored face
  /// is the same face; digits and characters train without flips.
  bool mirrorAverage() const { return augment.enabled && augment.flip; }

  /// The seed the people are split with: splitSeed, or seed when it is 0.
  std::uint64_t peopleSplitSeed() const { return splitSeed ? splitSeed : seed; }
  /// Going on from a model trained with `initial`: the people are split as
  /// they were for it, unless this run names a split seed of its own.
  void keepSplitOf(const TrainConfig& initial) {
    if (!splitSeed) splitSeed = initial.peopleSplitSeed();
  }

  /// Sets the network to the pretrained model's (`pretrained`, the
  /// architecture of the bundle in init.from), keeping the projection and
  /// embedding size asked for when there is a projection. Embeddings are
  /// then unit length, the scale the losses' margins assume.
  void startFrom(const NetworkConfig& pretrained);
  /// After startFrom a network of ours (not the face tower): the same
  /// weights at another input size. Its convolutions fit any size, and its
  /// embedding layer fits while the features pool to the same grid (at
  /// 80 px and at 96 px, 4×4). Throws Error saying why a size does not fit.
  void resizeInput(int size);

  /// The first stage that trains (stages as in NetworkFlops.h and the
  /// network: the tower's 16, or 1 for our own networks, then the
  /// projection): 0 from scratch or training all; after the whole base for
  /// "head"; the tower's last init.lastBlocks blocks for "last-blocks".
  int firstTrainableStage() const;

  /// throws Error naming the first invalid field (network included).
  void validate() const;
  std::string toJson() const;
  /// Missing keys keep their defaults. throws Error on malformed JSON.
  static TrainConfig fromJson(const std::string& json);
};

/// The learning rate at `step` of `epoch` (both from 0) under the config's
/// schedule: constant; step (× stepGamma every stepEvery epochs); cosine
/// over the whole run down to 1% of the base rate.
double scheduledLearningRate(const TrainConfig& config, int epoch, std::size_t step, std::size_t stepsPerEpoch);

}  // namespace siamese
