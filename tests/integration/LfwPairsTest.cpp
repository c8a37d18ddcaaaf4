// The LFW protocol files: the real pairs.txt and View 1 files parsed
// exactly, their promises checked (fold people disjoint, every photo
// present), and every deviation in a generated file reported with
// "path:line".

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "common/Error.h"
#include "data/LfwPairs.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;
using test::errorMessage;

using test::data;
using test::ScratchDir;



void expectPair(const LfwPair& p, const std::string& nameA, int numberA, const std::string& nameB, int numberB,
                bool same) {
  EXPECT_EQ(p.nameA, nameA);
  EXPECT_EQ(p.numberA, numberA);
  EXPECT_EQ(p.nameB, nameB);
  EXPECT_EQ(p.numberB, numberB);
  EXPECT_EQ(p.same, same);
}

std::set<std::string> peopleOf(const std::vector<LfwPair>& pairs) {
  std::set<std::string> people;
  for (const LfwPair& p : pairs) {
    people.insert(p.nameA);
    people.insert(p.nameB);
  }
  return people;
}

// Each fold: `perClass` same lines, then `perClass` different lines.
void expectSameThenDifferent(const std::vector<LfwPair>& fold, std::size_t perClass) {
  ASSERT_EQ(fold.size(), 2 * perClass);
  for (std::size_t i = 0; i < fold.size(); ++i) {
    const bool same = i < perClass;
    ASSERT_EQ(fold[i].same, same) << "pair " << i;
    if (same) {
      ASSERT_EQ(fold[i].nameA, fold[i].nameB) << "pair " << i;
    } else {
      ASSERT_NE(fold[i].nameA, fold[i].nameB) << "pair " << i;
    }
  }
}

// --- the real files ---------------------------------------------------------

TEST(LfwPairs, View2IsTenFoldsOf300SameAnd300Different) {
  SIAMESE_REQUIRE_DATA("lfw/pairs.txt");
  const LfwPairsFile file = readLfwPairs(data("lfw/pairs.txt"));
  ASSERT_EQ(file.folds.size(), 10u);
  EXPECT_EQ(file.pairCount(), 6000u);
  for (const auto& fold : file.folds) expectSameThenDifferent(fold, 300);
  expectPair(file.folds[0][0], "Abel_Pacheco", 1, "Abel_Pacheco", 4, true);
  expectPair(file.folds[0][299], "Zico", 2, "Zico", 3, true);
  expectPair(file.folds[0][300], "Abdel_Madi_Shabneh", 1, "Dean_Barker", 1, false);
  expectPair(file.folds[1][0], "Abdullah_Gul", 1, "Abdullah_Gul", 6, true);
  expectPair(file.folds[9][599], "Slobodan_Milosevic", 2, "Sok_An", 1, false);
}

TEST(LfwPairs, View2FoldsShareNoPeople) {
  SIAMESE_REQUIRE_DATA("lfw/pairs.txt");
  const LfwPairsFile file = readLfwPairs(data("lfw/pairs.txt"));
  ASSERT_EQ(file.folds.size(), 10u);
  std::vector<std::set<std::string>> people;
  for (const auto& fold : file.folds) people.push_back(peopleOf(fold));
  EXPECT_EQ(people[0].size(), 435u);
  for (std::size_t i = 0; i < people.size(); ++i) {
    for (std::size_t j = i + 1; j < people.size(); ++j) {
      for (const std::string& name : people[i]) {
        EXPECT_EQ(people[j].count(name), 0u) << name << " is in folds " << i + 1 << " and " << j + 1;
      }
    }
  }
}

TEST(LfwPairs, EveryView2PhotoExistsUnderImages) {
  SIAMESE_REQUIRE_DATA("lfw/pairs.txt");
  SIAMESE_REQUIRE_DATA("lfw/images");
  const LfwPairsFile file = readLfwPairs(data("lfw/pairs.txt"));
  std::size_t checked = 0;
  std::vector<std::string> missing;
  for (const auto& fold : file.folds) {
    for (const LfwPair& p : fold) {
      for (const std::string& path : {lfwImagePath(data("lfw/images"), p.nameA, p.numberA),
                                      lfwImagePath(data("lfw/images"), p.nameB, p.numberB)}) {
        ++checked;
        if (!std::filesystem::is_regular_file(path)) missing.push_back(path);
      }
    }
  }
  EXPECT_EQ(checked, 12000u);
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first " << missing.front();
}

TEST(LfwPairs, View1TrainIs1100PerClass) {
  SIAMESE_REQUIRE_DATA("lfw/pairsDevTrain.txt");
  const LfwPairsFile file = readLfwPairs(data("lfw/pairsDevTrain.txt"));
  ASSERT_EQ(file.folds.size(), 1u);
  EXPECT_EQ(file.pairCount(), 2200u);
  expectSameThenDifferent(file.folds[0], 1100);
  expectPair(file.folds[0][0], "Aaron_Peirsol", 1, "Aaron_Peirsol", 2, true);
  expectPair(file.folds[0][1100], "AJ_Cook", 1, "Marsha_Thomason", 1, false);
  expectPair(file.folds[0][2199], "Wendy_Kennedy", 1, "Zara_Akhmadova", 1, false);
}

TEST(LfwPairs, View1TestIs500PerClassWithOtherPeople) {
  SIAMESE_REQUIRE_DATA("lfw/pairsDevTrain.txt");
  SIAMESE_REQUIRE_DATA("lfw/pairsDevTest.txt");
  const LfwPairsFile test = readLfwPairs(data("lfw/pairsDevTest.txt"));
  ASSERT_EQ(test.folds.size(), 1u);
  EXPECT_EQ(test.pairCount(), 1000u);
  expectSameThenDifferent(test.folds[0], 500);
  expectPair(test.folds[0][0], "Abdullah_Gul", 13, "Abdullah_Gul", 14, true);
  expectPair(test.folds[0][999], "Todd_Petit", 1, "Vicente_Fernandez", 3, false);

  const auto trainPeople = peopleOf(readLfwPairs(data("lfw/pairsDevTrain.txt")).folds.at(0));
  for (const std::string& name : peopleOf(test.folds[0])) EXPECT_EQ(trainPeople.count(name), 0u) << name;
}

TEST(LfwPairs, ImagePathUsesFourDigitNumbers) {
  EXPECT_EQ(lfwImagePath("/data/lfw/images", "Abel_Pacheco", 4), "/data/lfw/images/Abel_Pacheco/Abel_Pacheco_0004.jpg");
  EXPECT_EQ(lfwImagePath("imgs", "George_W_Bush", 530), "imgs/George_W_Bush/George_W_Bush_0530.jpg");
}

// --- generated files ------------------------------------------------------------

// A valid View 2-style file: 2 folds of 1 same + 1 different pair.
const char* const kSmall =
    "2 1\n"
    "Ann\t1\t2\n"
    "Ann\t1\tBob\t3\n"
    "Cy\t4\t5\n"
    "Cy\t4\tDee\t1\n";

TEST(LfwPairs, SmallGeneratedFileParses) {
  ScratchDir dir;
  test::writeText(dir.file("pairs.txt"), kSmall);
  const LfwPairsFile file = readLfwPairs(dir.file("pairs.txt"));
  ASSERT_EQ(file.folds.size(), 2u);
  ASSERT_EQ(file.folds[0].size(), 2u);
  ASSERT_EQ(file.folds[1].size(), 2u);
  expectPair(file.folds[0][0], "Ann", 1, "Ann", 2, true);
  expectPair(file.folds[0][1], "Ann", 1, "Bob", 3, false);
  expectPair(file.folds[1][0], "Cy", 4, "Cy", 5, true);
  expectPair(file.folds[1][1], "Cy", 4, "Dee", 1, false);
}

TEST(LfwPairs, WindowsLineEndingsAndTrailingBlankLinesAreAccepted) {
  ScratchDir dir;
  test::writeText(dir.file("pairs.txt"), "1\r\nAnn 1 2\r\nAnn 1 Bob 3\r\n\r\n\n");
  const LfwPairsFile file = readLfwPairs(dir.file("pairs.txt"));
  ASSERT_EQ(file.pairCount(), 2u);
  expectPair(file.folds[0][1], "Ann", 1, "Bob", 3, false);
}

struct Malformed {
  const char* what;
  const char* text;
  int line;  ///< the line the error must name
};

class LfwPairsMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(LfwPairsMalformed, ErrorNamesFileAndLine) {
  ScratchDir dir;
  const std::string path = dir.file("pairs.txt");
  test::writeText(path, GetParam().text);
  const std::string message = errorMessage([&] { readLfwPairs(path); });
  EXPECT_TRUE(contains(message, path + ":" + std::to_string(GetParam().line) + ":")) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Deviations, LfwPairsMalformed,
    ::testing::Values(
        Malformed{"HeaderNotANumber", "2 x\nAnn 1 2\nAnn 1 Bob 3\n", 1},
        Malformed{"HeaderThreeFields", "2 1 7\nAnn 1 2\nAnn 1 Bob 3\n", 1},
        Malformed{"HeaderZero", "0\n", 1},
        Malformed{"ShortFile", "2 1\nAnn 1 2\nAnn 1 Bob 3\nCy 4 5\n", 5},
        Malformed{"SameLineWithFourFields", "1\nAnn 1 Bob 2\nAnn 1 Bob 3\n", 2},
        Malformed{"DifferentLineWithThreeFields", "1\nAnn 1 2\nAnn 1 3\n", 3},
        Malformed{"PhotoNumberNotANumber", "1\nAnn 1 two\nAnn 1 Bob 3\n", 2},
        Malformed{"PhotoNumberWithSuffix", "1\nAnn 1 2\nAnn 1x Bob 3\n", 3},
        Malformed{"PhotoNumberZero", "1\nAnn 0 2\nAnn 1 Bob 3\n", 2},
        Malformed{"ExtraLine", "1\nAnn 1 2\nAnn 1 Bob 3\nCy 4 5\n", 4},
        Malformed{"ExtraLineAfterBlankLine", "1\nAnn 1 2\nAnn 1 Bob 3\n\nCy 4 5\n", 5}),
    [](const ::testing::TestParamInfo<Malformed>& param) { return std::string(param.param.what); });

TEST(LfwPairs, EmptyFileIsAnErrorNamingIt) {
  ScratchDir dir;
  test::writeText(dir.file("pairs.txt"), "");
  const std::string message = errorMessage([&] { readLfwPairs(dir.file("pairs.txt")); });
  EXPECT_TRUE(contains(message, dir.file("pairs.txt"))) << message;
}

TEST(LfwPairs, MissingFileIsAnErrorNamingIt) {
  ScratchDir dir;
  const std::string message = errorMessage([&] { readLfwPairs(dir.file("absent.txt")); });
  EXPECT_TRUE(contains(message, dir.file("absent.txt"))) << message;
}

}  // namespace
}  // namespace siamese
