#pragma once
/// \file Trainer.h
/// Trains a siamese network on a face cache. The same call serves the
/// CLI, the tuner and the GUI's wizard: plain parameters in, progress out
/// through a callback, a stop flag checked every step, a result back.

#include <functional>
#include <string>
#include <vector>

#include "common/Progress.h"
#include "data/FaceCache.h"
#include "data/PairBuilder.h"
#include "nn/ModelBundle.h"
#include "train/TrainConfig.h"
#include "train/TrainingHistory.h"

namespace siamese {

/// What to train and validate on (indices into the cache's faces/people).
struct TrainData {
  std::vector<int> trainFaces;       ///< online sampling draws from these faces
  std::vector<Pair> trainPairs;      ///< pairs sampling uses these
  std::vector<Pair> validationPairs; ///< scored after every epoch
  /// Faces the user said are not a person: `a` is the rejected face, `b` one
  /// of that person's training faces. Online batches take one at random
  /// with b's person, `a` in a slot of its own: the loss then pushes the
  /// two apart in every step.
  std::vector<Pair> hardNegatives;
};

/// Training data from built splits: the train split's photos and pairs,
/// and the validation split's pairs.
inline TrainData trainDataFrom(const PairSet& set) {
  TrainData data;
  data.trainFaces = set.photosOf[std::size_t(Split::Train)];
  data.trainPairs = set[Split::Train];
  data.validationPairs = set[Split::Validation];
  return data;
}

struct TrainProgress {
  int epoch = 0;                 ///< 1-based, current
  int epochs = 0;
  std::size_t step = 0;          ///< within the epoch
  std::size_t stepsPerEpoch = 0;
  double loss = 0;               ///< running mean of this epoch
  double imagesPerSecond = 0;
  double etaSeconds = 0;
  const EpochRecord* finishedEpoch = nullptr;  ///< set once per epoch, when it ends
};
using TrainProgressFn = std::function<void(const TrainProgress&)>;

/// With TrainConfig::averageFromEpoch: the mean of the epochs' weights,
/// validated like an epoch.
struct WeightAverageOutcome {
  int epochs = 0;             ///< how many epochs' weights it holds; 0: no average
  int fromEpoch = 0;          ///< the first of them (1-based); the last is the run's last
  double validationLoss = 0;
  double validationAccuracy = 0;
  double validationAuc = 0;
  bool kept = false;          ///< it beat the best epoch's validation loss, so the bundle holds it
};

/// One line for the user: "the mean of epochs 2-16's weights: validation
/// loss …: kept (better than the best epoch)"; empty when there was none.
std::string describeWeightAverage(const WeightAverageOutcome& average);

struct TrainResult {
  std::vector<EpochRecord> history;
  int bestEpoch = 0;             ///< by validation loss
  bool stopped = false;          ///< the stop token ended it (a checkpoint was written)
  bool earlyStopped = false;
  std::string device;            ///< "cpu" or "cuda:0"
  BundleFile bundle;             ///< best weights, threshold chosen on validation pairs
  WeightAverageOutcome average;
  /// With loss scaling: steps the optimiser skipped because a gradient
  /// overflowed at the scale of the moment (a few at the start are normal).
  long skippedSteps = 0;
};

/// Where a training step's time goes, summed over the steps profiled
/// (`siamese bench training` reads it). Data: sampling, copying the crops
/// and augmenting them; forward: the network and the loss; backward; the
/// optimiser's update.
struct StepProfile {
  std::size_t skipSteps = 0;  ///< warm-up steps not counted
  std::size_t steps = 0;      ///< steps counted
  std::size_t images = 0;     ///< images those steps trained on
  double dataMs = 0, forwardMs = 0, backwardMs = 0, optimizerMs = 0;
  double totalMs() const { return dataMs + forwardMs + backwardMs + optimizerMs; }
};

struct TrainOptions {
  /// Where checkpoints go (every epoch and on stop). Empty: no checkpoints.
  std::string checkpointPath;
  /// Continue from checkpointPath when it exists.
  bool resume = false;
  TrainProgressFn progress;
  /// Reports the one pass of the frozen layers over the photos when a run
  /// starts from a pretrained model with layers frozen.
  ProgressFn featureProgress;
  const StopToken* stop = nullptr;
  StepProfile* profile = nullptr;  ///< when set, every step's phases are timed into it
  /// When set, LibTorch's profiler records every operator the training
  /// thread runs in the timed steps (those after profile->skipSteps) and
  /// writes them to this file as a Chrome trace: what found a reorder
  /// costing the residual net 10% (`siamese bench training --trace`).
  std::string operatorTrace;
  /// On a CPU, keep weights and batches channels-last (NHWC), so that
  /// oneDNN's convolutions need no reorder into their blocked layout and
  /// back. Measured on an Intel Xeon with AVX-512 (`siamese bench training
  /// --layout nchw|channels-last`, alternating): the convnet +2 to +16%
  /// over three rounds, the residual net +3 to +13%, fine-tuning the whole
  /// face tower +10 to +18% (on the earlier AMD EPYC machines it was a wash
  /// for the convnet and 9% slower for the residual net). Only float
  /// rounding differs, so it is not part of the configuration.
  bool channelsLast = true;
  /// Whether each step's batch (sampling, copying the crops, augmenting) is
  /// made on a loader thread while the step before it trains. The batch is
  /// the same either way (its draws come from seed, epoch and step). Auto:
  /// only when a core is left for it, that is on a GPU or with fewer
  /// LibTorch threads than cores. Measured on 2 cores (`siamese bench
  /// training --loader on|off`, two rounds each): with 1 LibTorch thread
  /// the loader gains 6% on the convnet and 10% on the whole tower; with 2
  /// it slowed fine-tuning the tower's last blocks from about 1,240 to 800
  /// images/s and gained nothing elsewhere, since it takes a core from the
  /// step and LibTorch's threads then wait for each other.
  enum class Loader { Auto, On, Off };
  Loader loader = Loader::Auto;
  /// The network's forward pass in 16-bit floats under LibTorch's autocast
  /// (convolutions and linear layers in 16 bits; the loss, the gradients'
  /// sums and the optimiser's weights in float32). Bfloat16: on the CPU it
  /// needs AVX-512 BF16 (cpuComputesBFloat16() in nn/BFloat16Inference.h; refused elsewhere), and
  /// is off by default there: without AMX, oneDNN 2.6's bfloat16
  /// convolutions ran at about half the speed of its float32 ones on this
  /// Xeon (ONEDNN_VERBOSE), so the convnet and the tower trained 20-35%
  /// slower (`siamese bench training --precision bfloat16`); on a GPU it
  /// runs on the tensor cores. Float16: on a GPU only, with loss scaling
  /// (detail::LossScaler), since its range is far narrower than float32's.
  enum class Precision { Float32, Bfloat16, Float16 };
  Precision precision = Precision::Float32;
  /// Scale the loss (detail::LossScaler) whatever the precision; float16
  /// always does. In float32 it changes no rounding (the scale is a power of
  /// two), which is how the tests check its part of the step.
  bool lossScaling = false;
  /// The scale loss scaling starts at (halved at each overflow, doubled
  /// after 2,000 good steps). The tests start it near float32's largest
  /// number to watch it fall.
  double initialLossScale = 65536.0;
  /// On a CPU that oneDNN has Winograd kernels for (AVX-512), compute the
  /// gradients of the 3×3 stride-1 convolutions of 16 channels or more by
  /// Winograd's F(4×4, 3×3) transform (nn/detail/WinogradConvolution.h):
  /// about a quarter of the multiplications. Forward passes, evaluation and
  /// embedding stay direct. Measured on an AMD EPYC with AVX-512
  /// (`siamese bench training`, the "direct convolutions" column): the
  /// convnet +11 to +24%, the residual net +9%, the whole tower +9%.
  /// Only float rounding differs, so it is not part of the configuration.
  bool winograd = true;
};

/// "float32", "bfloat16", "float16" and back; throws Error on another name.
TrainOptions::Precision parsePrecision(const std::string& name);
std::string precisionName(TrainOptions::Precision precision);

/// Trains, validates each epoch, keeps the best weights and derives the
/// threshold. A resumed run reaches the same weights as an uninterrupted
/// one with the same seed (up to float rounding).
/// throws Error on bad configuration, data that cannot form batches, or an
/// unreadable checkpoint.
TrainResult trainSiamese(const FaceCache& cache, const TrainData& data, const TrainConfig& config,
                         const TrainOptions& options = {});

/// The faces that appear in `pairs`, sorted.
std::vector<int> facesInPairs(const std::vector<Pair>& pairs);

}  // namespace siamese
