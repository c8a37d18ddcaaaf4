#pragma once
/// \file InitialModelPeople.h
/// Going on from a model (TrainConfig::init): which of the new run's
/// validation and test people that model has already trained on, and the
/// seed its own run split its people with. A best epoch chosen on people a
/// network has learned is chosen on noise, and a test score on them is no
/// test: the CLI warns, the wizard refuses.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/FaceCache.h"
#include "data/PairBuilder.h"
#include "nn/ModelBundle.h"

namespace siamese {

/// One split's people, and how many of them a model trained on.
struct SplitPeopleTrainedOn {
  std::size_t people = 0;     ///< distinct people in the split's pairs
  std::size_t trainedOn = 0;  ///< of those, people the model trained on
};

struct PeopleTrainedOn {
  SplitPeopleTrainedOn validation;
  SplitPeopleTrainedOn test;

  bool any() const { return validation.trainedOn > 0 || test.trainedOn > 0; }
};

/// "N of the M <splitName> people", for the CLI's warning and the wizard's refusal.
std::string describeTrainedOn(const SplitPeopleTrainedOn& split, const char* splitName);

/// The people of `validationPairs` and `testPairs` (photos of `cache`) that
/// `model` trained on: its training identities, by name. A model that lists
/// none (the imported face tower) trained on none of them.
PeopleTrainedOn peopleTrainedOn(const BundleMetadata& model, const FaceCache& cache,
                                const std::vector<Pair>& validationPairs, const std::vector<Pair>& testPairs);

/// The seed `model`'s run split its people with (TrainConfig::peopleSplitSeed
/// of the configuration it records); none when it records no configuration
/// (a model imported, not trained here). throws Error when that configuration
/// is malformed.
std::optional<std::uint64_t> peopleSplitSeedOf(const BundleMetadata& model);

}  // namespace siamese
