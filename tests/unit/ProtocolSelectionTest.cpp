// The protocol inputs the CLI, the benchmarks and the app share: split
// fractions, fold lists, models per fold group, the people of a pair list
// and the leakage check.

#include <gtest/gtest.h>

#include "common/Error.h"
#include "data/PairCsv.h"
#include "eval/ProtocolSelection.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

TEST(ProtocolSelection, ParsesSplitsAndFoldsAndRefusesMalformedOnes) {
  const auto split = parseSplitFractions("0.7,0.2,0.1");
  EXPECT_DOUBLE_EQ(split[0], 0.7);
  EXPECT_DOUBLE_EQ(split[2], 0.1);
  EXPECT_THROW(parseSplitFractions("0.7,0.3"), Error);
  EXPECT_THROW(parseSplitFractions("0.7,x,0.1"), Error);
  EXPECT_THROW(parseSplitFractions("0.5,0.2,0.2,0.1"), Error);

  EXPECT_EQ(parseFoldList("1,3,6-8"), (std::set<int>{1, 3, 6, 7, 8}));
  EXPECT_THROW(parseFoldList("0-3"), Error);
  EXPECT_THROW(parseFoldList("5-2"), Error);
  EXPECT_THROW(parseFoldList("a"), Error);

  const auto models = parseFoldModels("a.siamese:1-5,b.siamese:6,8,10");
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].path, "a.siamese");
  EXPECT_EQ(models[0].folds, (std::set<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(models[1].folds, (std::set<int>{6, 8, 10}));
  EXPECT_THROW(parseFoldModels("a.siamese"), Error);
}

TEST(ProtocolSelection, NamesThePeopleOfAPairListAndTheLeakage) {
  test::ScratchDir dir;
  writePairRows(dir.file("pairs.csv"), {PairRow{"x/1.jpg", "y/1.jpg", false, "Ann", "Bob", std::nullopt},
                                        PairRow{"z/1.jpg", "z/2.jpg", true, "Cid", "Cid", std::nullopt}});
  const std::set<std::string> people = peopleNamedIn(dir.file("pairs.csv"));
  EXPECT_EQ(people, (std::set<std::string>{"Ann", "Bob", "Cid"}));
  EXPECT_THROW(peopleNamedIn(dir.file("pairs.csv"), {1}), Error) << "a CSV has no folds";
  EXPECT_THROW(peopleNamedIn(dir.file("missing.csv")), Error);

  BundleMetadata model;
  EXPECT_FALSE(leakageOf(model, people).has_value()) << "a model trained on nobody listed";
  model.training.identities = {"Bob", "Dee"};
  const auto leakage = leakageOf(model, people);
  ASSERT_TRUE(leakage.has_value());
  EXPECT_NE(leakage->find("1 of the 3 people"), std::string::npos) << *leakage;
  EXPECT_NE(leakage->find("Bob"), std::string::npos) << *leakage;
}

}  // namespace
}  // namespace siamese
