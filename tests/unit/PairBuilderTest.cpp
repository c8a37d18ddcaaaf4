// Balanced verification pairs on synthetic photo lists: identity-disjoint
// splits, exact balance, unique pairs, reproducibility, and checkPairs as an
// independent auditor.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/Error.h"
#include "data/PairBuilder.h"

namespace siamese {
namespace {

constexpr std::size_t kSplits = 3;

// 60 people with 1..25 photos each (seeded), photo indices shuffled so that a
// person's photos are not contiguous.
std::vector<int> syntheticPhotos() {
  std::mt19937 gen(1234);
  std::uniform_int_distribution<int> photos(1, 25);
  std::vector<int> personOfPhoto;
  for (int person = 0; person < 60; ++person) {
    const int n = photos(gen);
    personOfPhoto.insert(personOfPhoto.end(), std::size_t(n), person);
  }
  std::shuffle(personOfPhoto.begin(), personOfPhoto.end(), gen);
  return personOfPhoto;
}

// `people` people with `photos` photos each, contiguous.
std::vector<int> uniformPhotos(int people, int photos) {
  std::vector<int> personOfPhoto;
  for (int p = 0; p < people; ++p) personOfPhoto.insert(personOfPhoto.end(), std::size_t(photos), p);
  return personOfPhoto;
}

std::map<int, int> photoCounts(const std::vector<int>& personOfPhoto) {
  std::map<int, int> counts;
  for (int p : personOfPhoto) ++counts[p];
  return counts;
}

std::size_t positivesIn(const std::vector<Pair>& pairs) {
  return std::size_t(std::count_if(pairs.begin(), pairs.end(), [](const Pair& p) { return p.same; }));
}

std::set<std::pair<int, int>> unorderedPairs(const std::vector<Pair>& pairs) {
  std::set<std::pair<int, int>> out;
  for (const Pair& p : pairs) out.insert(std::minmax(p.a, p.b));
  return out;
}

bool samePairs(const PairSet& x, const PairSet& y) {
  for (std::size_t s = 0; s < kSplits; ++s) {
    if (x.splits[s].size() != y.splits[s].size()) return false;
    for (std::size_t i = 0; i < x.splits[s].size(); ++i) {
      const Pair &p = x.splits[s][i], &q = y.splits[s][i];
      if (p.a != q.a || p.b != q.b || p.same != q.same) return false;
    }
  }
  return true;
}

PairOptions withCounts(std::size_t train, std::size_t validation, std::size_t test) {
  PairOptions options;
  options.pairCounts = {train, validation, test};
  return options;
}

// --- the properties -----------------------------------------------------------

TEST(PairBuilder, SplitsShareNoPerson) {
  const auto photos = syntheticPhotos();
  const PairSet set = buildPairs(photos, PairOptions{});
  EXPECT_EQ(set.peopleInTwoSplits, 0u);
  std::set<int> seen;
  for (std::size_t s = 0; s < kSplits; ++s) {
    EXPECT_FALSE(set.peopleOf[s].empty()) << splitName(Split(s));
    EXPECT_TRUE(std::is_sorted(set.peopleOf[s].begin(), set.peopleOf[s].end()));
    for (int person : set.peopleOf[s]) EXPECT_TRUE(seen.insert(person).second) << "person " << person;
  }
  // Everyone with at least 2 photos (the default minimum) is in some split.
  std::set<int> eligible;
  for (const auto& [person, count] : photoCounts(photos))
    if (count >= 2) eligible.insert(person);
  EXPECT_EQ(seen, eligible);
}

TEST(PairBuilder, EveryPairUsesPhotosOfItsSplitsPeople) {
  const auto photos = syntheticPhotos();
  const PairSet set = buildPairs(photos, PairOptions{});
  for (std::size_t s = 0; s < kSplits; ++s) {
    const std::set<int> people(set.peopleOf[s].begin(), set.peopleOf[s].end());
    for (const Pair& p : set.splits[s]) {
      ASSERT_TRUE(people.count(photos.at(std::size_t(p.a)))) << splitName(Split(s)) << " photo " << p.a;
      ASSERT_TRUE(people.count(photos.at(std::size_t(p.b)))) << splitName(Split(s)) << " photo " << p.b;
    }
  }
}

TEST(PairBuilder, EachSplitIsExactlyHalfSameHalfDifferent) {
  const auto photos = syntheticPhotos();
  const PairSet set = buildPairs(photos, PairOptions{});
  for (std::size_t s = 0; s < kSplits; ++s) {
    const auto& pairs = set.splits[s];
    ASSERT_FALSE(pairs.empty()) << splitName(Split(s));
    EXPECT_EQ(pairs.size() % 2, 0u);
    EXPECT_EQ(positivesIn(pairs), pairs.size() / 2) << splitName(Split(s));
    EXPECT_EQ(set.reports[s].positives, pairs.size() / 2);
    EXPECT_EQ(set.reports[s].negatives, pairs.size() / 2);
  }
}

TEST(PairBuilder, PairsAreUniqueCorrectlyLabelledAndNeverSelf) {
  const auto photos = syntheticPhotos();
  const PairSet set = buildPairs(photos, PairOptions{});
  for (std::size_t s = 0; s < kSplits; ++s) {
    const auto& pairs = set.splits[s];
    EXPECT_EQ(unorderedPairs(pairs).size(), pairs.size()) << "duplicates in " << splitName(Split(s));
    for (const Pair& p : pairs) {
      ASSERT_NE(p.a, p.b);
      ASSERT_EQ(photos[std::size_t(p.a)] == photos[std::size_t(p.b)], p.same) << p.a << "," << p.b;
    }
    EXPECT_EQ(set.reports[s].selfPairs, 0u);
    EXPECT_EQ(set.reports[s].mislabelled, 0u);
    EXPECT_EQ(set.reports[s].uniquePairs, pairs.size());
  }
}

TEST(PairBuilder, ReportsDescribeEachSplit) {
  const auto photos = syntheticPhotos();
  const auto counts = photoCounts(photos);
  const PairSet set = buildPairs(photos, PairOptions{});
  for (std::size_t s = 0; s < kSplits; ++s) {
    std::size_t available = 0;
    for (int person : set.peopleOf[s]) available += std::size_t(counts.at(person));
    std::set<int> used;
    for (const Pair& p : set.splits[s]) used.insert({p.a, p.b});
    EXPECT_EQ(set.reports[s].people, set.peopleOf[s].size());
    EXPECT_EQ(set.reports[s].photosAvailable, available);
    EXPECT_EQ(set.reports[s].photosUsed, used.size());
    EXPECT_EQ(set.reports[s].requested, 0u);  // nothing asked for explicitly
  }
}

// --- reproducibility ------------------------------------------------------------

TEST(PairBuilder, SameSeedGivesIdenticalPairs) {
  const auto photos = syntheticPhotos();
  PairOptions options;
  options.seed = 7;
  const PairSet first = buildPairs(photos, options);
  const PairSet second = buildPairs(photos, options);
  EXPECT_EQ(first.peopleOf, second.peopleOf);
  EXPECT_TRUE(samePairs(first, second));
}

TEST(PairBuilder, OtherSeedGivesOtherPairs) {
  const auto photos = syntheticPhotos();
  PairOptions a, b;
  a.seed = 7;
  b.seed = 8;
  const PairSet first = buildPairs(photos, a);
  const PairSet second = buildPairs(photos, b);
  EXPECT_NE(first.peopleOf, second.peopleOf);
  EXPECT_FALSE(samePairs(first, second));
}

TEST(PairBuilder, ChangingOneSplitsCountLeavesTheOthersAlone) {
  // Each split draws from its own random stream.
  const auto photos = syntheticPhotos();
  const PairSet first = buildPairs(photos, withCounts(200, 40, 40));
  const PairSet second = buildPairs(photos, withCounts(200, 60, 40));
  EXPECT_EQ(first.peopleOf, second.peopleOf);
  EXPECT_EQ(second.splits[1].size(), 60u);
  for (std::size_t s : {std::size_t(0), std::size_t(2)}) {
    ASSERT_EQ(first.splits[s].size(), second.splits[s].size());
    for (std::size_t i = 0; i < first.splits[s].size(); ++i) {
      EXPECT_EQ(first.splits[s][i].a, second.splits[s][i].a);
      EXPECT_EQ(first.splits[s][i].b, second.splits[s][i].b);
    }
  }
}

// --- options ----------------------------------------------------------------------

TEST(PairBuilder, MinPhotosPerPersonLeavesPeopleOut) {
  const auto photos = syntheticPhotos();
  const auto counts = photoCounts(photos);
  PairOptions options;
  options.minPhotosPerPerson = 5;
  const PairSet set = buildPairs(photos, options);

  std::size_t small = 0;
  for (const auto& [person, count] : counts) small += count < 5 ? 1 : 0;
  ASSERT_GT(small, 0u);  // the synthetic data must exercise the filter
  EXPECT_EQ(set.peopleSkipped, small);
  std::size_t placed = 0;
  for (const auto& people : set.peopleOf) {
    placed += people.size();
    for (int person : people) EXPECT_GE(counts.at(person), 5) << "person " << person;
  }
  EXPECT_EQ(placed, counts.size() - small);
}

TEST(PairBuilder, DefaultMinimumSkipsPeopleWithOnePhoto) {
  // 20 people of 3 photos, then 4 people of 1 photo.
  auto photos = uniformPhotos(20, 3);
  for (int p = 20; p < 24; ++p) photos.push_back(p);
  const PairSet set = buildPairs(photos, PairOptions{});
  EXPECT_EQ(set.peopleSkipped, 4u);
  for (const auto& people : set.peopleOf)
    for (int person : people) EXPECT_LT(person, 20);
}

TEST(PairBuilder, RequestedCountsAreHonoured) {
  const auto photos = syntheticPhotos();
  const PairSet set = buildPairs(photos, withCounts(200, 40, 41));
  EXPECT_EQ(set.splits[0].size(), 200u);
  EXPECT_EQ(set.splits[1].size(), 40u);
  EXPECT_EQ(set.splits[2].size(), 40u);  // an odd request rounds down to stay balanced
  EXPECT_EQ(set.reports[2].requested, 40u);
  for (std::size_t s = 0; s < kSplits; ++s) EXPECT_EQ(positivesIn(set.splits[s]), set.splits[s].size() / 2);
}

TEST(PairBuilder, MaxPairsPerSplitCapsUnrequestedSplits) {
  const auto photos = syntheticPhotos();
  PairOptions options;
  options.maxPairsPerSplit = 50;
  const PairSet set = buildPairs(photos, options);
  for (std::size_t s = 0; s < kSplits; ++s) {
    EXPECT_EQ(set.splits[s].size(), 50u) << splitName(Split(s));
    EXPECT_EQ(set.reports[s].requested, 0u);  // capped, not asked for
  }
}

TEST(PairBuilder, TooFewPositivesCapsTheSplitButKeepsBalance) {
  // 10 people of 2 photos: 6/2/2 people, so train has only 6 possible
  // same-person pairs, validation and test 2 each.
  const auto photos = uniformPhotos(10, 2);
  PairOptions options = withCounts(100, 100, 100);
  options.fractions = {0.6, 0.2, 0.2};
  const PairSet set = buildPairs(photos, options);
  ASSERT_EQ(set.peopleOf[0].size(), 6u);
  EXPECT_EQ(set.splits[0].size(), 12u);
  EXPECT_EQ(set.splits[1].size(), 4u);
  EXPECT_EQ(set.splits[2].size(), 4u);
  EXPECT_EQ(set.reports[0].requested, 100u);
  for (std::size_t s = 0; s < kSplits; ++s) {
    EXPECT_EQ(positivesIn(set.splits[s]), set.splits[s].size() / 2);
    EXPECT_EQ(unorderedPairs(set.splits[s]).size(), set.splits[s].size());
  }
  // Every photo of train is used: all 6 same-person pairs were taken.
  EXPECT_EQ(set.reports[0].photosUsed, 12u);
}

TEST(PairBuilder, TooFewNegativesCapsTheSplitButKeepsBalance) {
  // One person of 10 photos and one of 1: 45 same-person pairs exist but
  // only 10 different-person pairs.
  std::vector<int> photos(10, 0);
  photos.push_back(1);
  PairOptions options;
  options.fractions = {1, 0, 0};
  options.minPhotosPerPerson = 1;
  const PairSet set = buildPairs(photos, options);
  EXPECT_EQ(set.splits[0].size(), 20u);
  EXPECT_EQ(positivesIn(set.splits[0]), 10u);
  EXPECT_EQ(unorderedPairs(set.splits[0]).size(), 20u);
  EXPECT_TRUE(set.splits[1].empty());
  EXPECT_TRUE(set.splits[2].empty());
}

TEST(PairBuilder, ZeroTestFractionGivesTheRemainderToTrain) {
  const auto photos = uniformPhotos(10, 3);
  PairOptions options;
  options.fractions = {0.8, 0.2, 0};
  const PairSet set = buildPairs(photos, options);
  EXPECT_EQ(set.peopleOf[0].size(), 8u);
  EXPECT_EQ(set.peopleOf[1].size(), 2u);
  EXPECT_TRUE(set.peopleOf[2].empty());
  EXPECT_TRUE(set.splits[2].empty());
}

// --- errors -------------------------------------------------------------------------

TEST(PairBuilder, TooFewPeopleIsAnErrorNamingTheSplit) {
  // 3 people: 70/15/15 gives validation no one.
  try {
    buildPairs(uniformPhotos(3, 5), PairOptions{});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("validation"), std::string::npos) << e.what();
  }
}

TEST(PairBuilder, TooFewEligiblePeopleIsAnError) {
  // 20 people, but only 3 of them have 2 photos.
  auto photos = uniformPhotos(3, 2);
  for (int p = 3; p < 20; ++p) photos.push_back(p);
  EXPECT_THROW(buildPairs(photos, PairOptions{}), Error);
}

TEST(PairBuilder, NegativeFractionIsAnError) {
  PairOptions options;
  options.fractions = {0.9, 0.2, -0.1};
  EXPECT_THROW(buildPairs(syntheticPhotos(), options), Error);
}

// --- checkPairs -----------------------------------------------------------------------

TEST(PairBuilder, CheckPairsCountsEveryKindOfFault) {
  const std::vector<int> personOfPhoto = {0, 0, 1, 1, 2};
  const std::vector<Pair> pairs = {
      {0, 1, true},   // good
      {1, 0, true},   // duplicate of the first (reversed)
      {0, 0, true},   // self pair
      {0, 2, true},   // mislabelled: different people
      {2, 3, false},  // mislabelled: same person
      {1, 4, false},  // good
  };
  const SplitReport r = checkPairs(pairs, personOfPhoto);
  EXPECT_EQ(r.positives, 4u);
  EXPECT_EQ(r.negatives, 2u);
  EXPECT_EQ(r.selfPairs, 1u);
  EXPECT_EQ(r.mislabelled, 2u);
  EXPECT_EQ(r.uniquePairs, 5u);  // {0,1} {0,0} {0,2} {2,3} {1,4}
  EXPECT_EQ(r.photosUsed, 5u);
}

TEST(PairBuilder, CheckPairsOfNothingIsAllZero) {
  const SplitReport r = checkPairs({}, {0, 1});
  EXPECT_EQ(r.positives + r.negatives + r.uniquePairs + r.photosUsed + r.selfPairs + r.mislabelled, 0u);
}

TEST(PairBuilder, SplitNames) {
  EXPECT_STREQ(splitName(Split::Train), "train");
  EXPECT_STREQ(splitName(Split::Validation), "validation");
  EXPECT_STREQ(splitName(Split::Test), "test");
}

}  // namespace
}  // namespace siamese

namespace siamese {
namespace {

TEST(PairBuilder, PhotosOfHeldOutPeopleAreLeftOut) {
  // Person 1 is held out (negative id): none of its photos may be paired.
  std::vector<int> personOfPhoto;
  for (int person = 0; person < 12; ++person)
    for (int k = 0; k < 5; ++k) personOfPhoto.push_back(person == 1 ? -1 : person);
  PairOptions options;
  options.fractions = {0.5, 0.25, 0.25};
  const PairSet set = buildPairs(personOfPhoto, options);
  for (const auto& split : set.splits) {
    for (const Pair& p : split) {
      EXPECT_GE(personOfPhoto[std::size_t(p.a)], 0);
      EXPECT_GE(personOfPhoto[std::size_t(p.b)], 0);
    }
  }
  std::size_t people = 0;
  for (const auto& split : set.peopleOf) people += split.size();
  EXPECT_EQ(people, 11u);
}

}  // namespace
}  // namespace siamese

namespace siamese {
namespace {

TEST(PairBuilder, SplitByPhotoPutsEveryClassInEverySplitWithDisjointPhotos) {
  std::vector<int> personOfPhoto;
  for (int digit = 0; digit < 10; ++digit)
    for (int k = 0; k < 40; ++k) personOfPhoto.push_back(digit);
  PairOptions options;
  options.splitByPhoto = true;
  options.fractions = {0.5, 0.25, 0.25};
  options.pairCounts = {200, 100, 100};
  const PairSet set = buildPairs(personOfPhoto, options);
  std::set<int> seen;
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(set.peopleOf[s].size(), 10u);
    EXPECT_EQ(set.reports[s].positives, set.reports[s].negatives);
    EXPECT_EQ(set.splits[s].size(), options.pairCounts[s]);
    const std::set<int> allowed(set.photosOf[s].begin(), set.photosOf[s].end());
    for (const Pair& p : set.splits[s]) {
      EXPECT_TRUE(allowed.count(p.a) && allowed.count(p.b)) << "a pair crosses splits";
    }
    for (int photo : set.photosOf[s]) EXPECT_TRUE(seen.insert(photo).second) << "photo in two splits";
  }
  EXPECT_EQ(set.photosOf[0].size(), 200u);
}

}  // namespace
}  // namespace siamese
