// Going on from a model: how many of the new pairs' validation and test
// people it trained on (by name, each person once), and the seed its own run
// split its people with.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/Error.h"
#include "data/FaceCache.h"
#include "support/TestSupport.h"
#include "train/InitialModelPeople.h"
#include "train/TrainConfig.h"

namespace siamese {
namespace {

/// A cache of tiny crops: three photos each of Ann, Ben, Cat, Dan, Eve and Fay.
FaceCache sixPeople(const test::ScratchDir& dir) {
  CacheSettings settings;
  settings.cropSize = 4;
  settings.detector = "none";
  test::writeFlatFaceCache(dir.file("c.cache"), settings, test::photosOf({"Ann", "Ben", "Cat", "Dan", "Eve", "Fay"}, 3));
  return FaceCache::load(dir.file("c.cache"));
}

/// The index of `person`'s `photo`-th photo in the cache.
int photoOf(const FaceCache& cache, const std::string& person, int photo) {
  int seen = 0;
  for (std::size_t face = 0; face < cache.size(); ++face) {
    if (cache.people()[std::size_t(cache.faces()[face].person)] != person) continue;
    if (seen++ == photo) return int(face);
  }
  throw Error("no photo " + std::to_string(photo) + " of " + person);
}

/// A same pair of each person and a different pair between them.
std::vector<Pair> pairsOf(const FaceCache& cache, const std::string& a, const std::string& b) {
  return {Pair{photoOf(cache, a, 0), photoOf(cache, a, 1), true},
          Pair{photoOf(cache, b, 0), photoOf(cache, b, 1), true},
          Pair{photoOf(cache, a, 2), photoOf(cache, b, 2), false}};
}

BundleMetadata modelTrainedOn(std::vector<std::string> identities) {
  BundleMetadata model;
  model.training.identities = std::move(identities);
  return model;
}

TEST(InitialModelPeople, CountsTheValidationAndTestPeopleTheModelTrainedOn) {
  test::ScratchDir dir;
  const FaceCache cache = sixPeople(dir);
  const std::vector<Pair> validation = pairsOf(cache, "Cat", "Dan");
  const std::vector<Pair> test = pairsOf(cache, "Eve", "Fay");

  // Trained on Ann and Ben: the split the pairs were built with.
  const PeopleTrainedOn own = peopleTrainedOn(modelTrainedOn({"Ann", "Ben"}), cache, validation, test);
  EXPECT_EQ(own.validation.people, 2u);
  EXPECT_EQ(own.validation.trainedOn, 0u);
  EXPECT_EQ(own.test.people, 2u);
  EXPECT_EQ(own.test.trainedOn, 0u);
  EXPECT_FALSE(own.any());

  // Another split: Dan, Eve and Fay were learned (Dan listed twice, as after
  // two stages; Zoe is not in these pairs at all).
  const PeopleTrainedOn other =
      peopleTrainedOn(modelTrainedOn({"Ann", "Dan", "Eve", "Fay", "Dan", "Zoe"}), cache, validation, test);
  EXPECT_EQ(other.validation.people, 2u);
  EXPECT_EQ(other.validation.trainedOn, 1u);
  EXPECT_EQ(other.test.people, 2u);
  EXPECT_EQ(other.test.trainedOn, 2u);
  EXPECT_TRUE(other.any());

  // Only validation people learned is overlap too.
  EXPECT_TRUE(peopleTrainedOn(modelTrainedOn({"Cat"}), cache, validation, test).any());
}

TEST(InitialModelPeople, AModelWithoutIdentitiesTrainedOnNobodyHere) {
  test::ScratchDir dir;
  const FaceCache cache = sixPeople(dir);
  // The imported face tower lists nobody.
  const PeopleTrainedOn tower =
      peopleTrainedOn(modelTrainedOn({}), cache, pairsOf(cache, "Ann", "Ben"), pairsOf(cache, "Cat", "Dan"));
  EXPECT_EQ(tower.validation.people, 2u);
  EXPECT_EQ(tower.test.people, 2u);
  EXPECT_FALSE(tower.any());
  // No test pairs (a split with no test share): no test people.
  const PeopleTrainedOn noTest = peopleTrainedOn(modelTrainedOn({"Ann"}), cache, pairsOf(cache, "Ann", "Ben"), {});
  EXPECT_EQ(noTest.test.people, 0u);
  EXPECT_EQ(noTest.validation.trainedOn, 1u);
}

TEST(InitialModelPeople, TheSplitSeedIsTheOneTheModelsRunSplitItsPeopleWith) {
  TrainConfig config;
  config.seed = 7;
  BundleMetadata model;
  EXPECT_FALSE(peopleSplitSeedOf(model).has_value()) << "a model that records no configuration";
  model.training.configJson = config.toJson();
  EXPECT_EQ(peopleSplitSeedOf(model).value_or(0), 7u) << "split with its seed";
  config.splitSeed = 42;
  model.training.configJson = config.toJson();
  EXPECT_EQ(peopleSplitSeedOf(model).value_or(0), 42u) << "split with a seed of its own";
}

}  // namespace
}  // namespace siamese
