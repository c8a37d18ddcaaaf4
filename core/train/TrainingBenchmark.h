#pragma once
/// \file TrainingBenchmark.h
/// Training throughput, measured on the trainer itself: a fixed
/// configuration trained for a fixed number of steps on synthetic faces,
/// with each step's time split into data, forward, backward and optimiser
/// (StepProfile) and the arithmetic it did counted (NetworkFlops.h).
/// `siamese bench training` prints these beside PyTorch's figures for the
/// same network and batches (bench/train-bench.py).

#include <string>
#include <vector>

#include "train/TrainConfig.h"
#include "train/Trainer.h"

namespace siamese {

struct TrainingBenchmarkCase {
  std::string key;          ///< "convnet", "resnet": what --cases and the Python script call it
  std::string description;  ///< for the table
  TrainConfig config;
};

/// The standard cases: the default convnet (64 px grey, P16×K4, batch
/// contrastive loss, Adam) and the residual net on the same batches; with a
/// face tower bundle, fine-tuning it too: its last two blocks under a
/// linear projection ("tower-last2"), and all of it ("tower-all"). On
/// `device` ("cpu", "cuda" or "auto", as TrainConfig::device).
std::vector<TrainingBenchmarkCase> standardTrainingCases(int threads, const std::string& faceTower = {},
                                                         const std::string& device = "cpu");

struct TrainingBenchmarkResult {
  std::string key;
  StepProfile profile;             ///< the timed steps
  double imagesPerSecond = 0;
  double msPerStep = 0;
  double gflopsPerImage = 0;       ///< training (forward + backward) arithmetic per image
  double achievedGflops = 0;       ///< gflopsPerImage × images/s
  /// With frozen layers: the one pass of them over the synthetic photos
  /// before the first step (not part of the steps' time).
  double frozenPassSeconds = 0;
  std::size_t frozenPassPhotos = 0;
  std::string device;
  /// The training loss's mean over every step of the run (warm-up too):
  /// the same batches from the same weights, so another precision or
  /// device must land near float32's.
  double meanLoss = 0;
};

/// The trainer's speed switches the benchmark can turn (as TrainOptions).
struct TrainingBenchmarkSwitches {
  bool channelsLast = true;
  TrainOptions::Loader loader = TrainOptions::Loader::Auto;
  TrainOptions::Precision precision = TrainOptions::Precision::Float32;
  bool winograd = true;
  std::string operatorTrace;  ///< TrainOptions::operatorTrace
};

/// Writes the face tower's network with random weights, as a bundle, into
/// `folder` and returns its path: for the tower's cases on a machine
/// without the imported tower (a GPU machine: nothing can be fetched
/// there). What a step costs does not depend on the weights.
std::string writeUntrainedFaceTower(const std::string& folder);

/// Trains `benchCase` for `warmup` + `steps` steps on synthetic faces (a
/// cache written into `scratchDir`) and times the last `steps`.
/// throws Error as trainSiamese.
TrainingBenchmarkResult benchmarkTraining(const TrainingBenchmarkCase& benchCase, int steps, int warmup,
                                          const std::string& scratchDir, const TrainingBenchmarkSwitches& switches = {});

}  // namespace siamese
