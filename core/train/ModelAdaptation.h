#pragma once
/// \file ModelAdaptation.h
/// Adapting a model to the user's own people: fine-tune it (a head, its
/// last blocks, or all of it) on their reference photos, with people who are
/// not theirs as impostors, and measure before anything changes. The check
/// uses photos the adaptation never trained on: each probe is named by its
/// nearest reference (rank-1), and impostor photos of people used neither
/// for training nor validation are matched against the references at the
/// threshold in force (false accepts). The adapted model's threshold is set
/// to accept no more of the validation impostors than the model as it is
/// does at the threshold in force, so the two are compared at the same
/// false-accept rate. The caller deploys the adapted model only when `better`.

#include <cstdint>
#include <string>
#include <vector>

#include "common/Progress.h"
#include "data/FaceCache.h"
#include "data/PairBuilder.h"
#include "nn/ModelBundle.h"
#include "train/TrainingHistory.h"

namespace siamese {

/// One model's figures on the held-out check.
struct AdaptationCheck {
  double rank1 = 0;             ///< probes whose nearest reference is their own person
  double identified = 0;        ///< probes named right and within the threshold (what the user sees)
  std::size_t probes = 0;
  double falseAcceptRate = 0;   ///< impostor photos within the threshold of some reference
  std::size_t impostorProbes = 0;
  double threshold = 0;         ///< the threshold the figures were counted at
};

struct AdaptationOptions {
  std::string trainable = "head";  ///< as InitConfig::train: head, last-blocks or all
  int epochs = 10;
  int stepsPerEpoch = 30;
  double learningRate = 1e-3;      ///< of what is new; the pretrained layers learn at a tenth
  int impostorPeople = 600;        ///< most impostor people read (60% train, 20% validate, 20% check)
  int photosPerImpostor = 8;       ///< most photos read of each (LFW has 530 of one man)
  std::uint64_t seed = 1;
  int threads = 0;
  std::string workDir;             ///< where the combined training cache is written (and removed)
};

struct AdaptationResult {
  AdaptationCheck before;  ///< the model as it is, at the threshold in force
  AdaptationCheck after;   ///< the adapted model, at its own threshold
  /// After ranks at least as well, names at least as many probes and accepts
  /// no more impostors, and is strictly better in naming or accepting.
  bool better = false;
  std::string verdict;     ///< the two figures and the decision, in words
  BundleFile adapted;      ///< in memory; written only by whoever deploys it
  std::vector<EpochRecord> history;
  std::size_t trainingPeople = 0, impostorTrainingPeople = 0;
};

/// Adapts the model at `modelPath`. `gallery` holds the user's faces in the
/// model's crops: `references` train and are matched against, `probes` are
/// only checked. `impostors` holds faces of other people in the same crops
/// (anyone named like a gallery person is left out). `hardNegatives` are
/// pairs of gallery faces (a face rejected as a person, one of that
/// person's references) trained on in every step. throws Error when the
/// crops do not fit the model, there are too few references or impostors
/// to train on, or when stopped.
AdaptationResult adaptModel(const std::string& modelPath, double thresholdInForce, const FaceCache& gallery,
                            const std::vector<int>& references, const std::vector<int>& probes,
                            const FaceCache& impostors, const AdaptationOptions& options,
                            const ProgressFn& progress = {}, const StopToken* stop = nullptr,
                            const std::vector<Pair>& hardNegatives = {});

}  // namespace siamese
