#include "train/InitialModelPeople.h"

#include <set>

#include "eval/Protocols.h"
#include "train/TrainConfig.h"

namespace siamese {
namespace {

SplitPeopleTrainedOn splitPeopleTrainedOn(const std::set<std::string>& trained, const FaceCache& cache,
                                          const std::vector<Pair>& pairs) {
  SplitPeopleTrainedOn split;
  const std::set<std::string> people = peopleOfPairs(cache, pairs);
  split.people = people.size();
  for (const std::string& person : people) split.trainedOn += trained.count(person);
  return split;
}

}  // namespace

PeopleTrainedOn peopleTrainedOn(const BundleMetadata& model, const FaceCache& cache,
                                const std::vector<Pair>& validationPairs, const std::vector<Pair>& testPairs) {
  const std::set<std::string> trained(model.training.identities.begin(), model.training.identities.end());
  return PeopleTrainedOn{splitPeopleTrainedOn(trained, cache, validationPairs),
                         splitPeopleTrainedOn(trained, cache, testPairs)};
}

std::string describeTrainedOn(const SplitPeopleTrainedOn& split, const char* splitName) {
  return std::to_string(split.trainedOn) + " of the " + std::to_string(split.people) + " " + splitName + " people";
}

std::optional<std::uint64_t> peopleSplitSeedOf(const BundleMetadata& model) {
  if (model.training.configJson.empty()) return std::nullopt;
  return TrainConfig::fromJson(model.training.configJson).peopleSplitSeed();
}

}  // namespace siamese
