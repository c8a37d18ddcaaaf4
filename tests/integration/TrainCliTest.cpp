// `siamese train` itself, on a small LFW set: --hold-out and
// --hold-out-folds keep the named people out of training (the LFW figures
// rest on it), --config is read and the options given beside it win, and
// --pairs-dir trains on the pair lists `siamese pairs` wrote.

#include <algorithm>
#include <filesystem>

#include "common/AtomicFile.h"
#include "nn/ModelBundle.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;
namespace fs = std::filesystem;

// Two people of LFW View 1's test pairs, one of fold 1 of View 2, and
// five in neither; six photos each.
const char* const kDevTest[] = {"Abdullah_Gul", "Amelie_Mauresmo"};
const char* const kFoldOne[] = {"Angela_Bassett"};
const char* const kNeither[] = {"Adrien_Brody", "Al_Gore", "Al_Sharpton", "Andre_Agassi", "Andy_Roddick"};

// A tiny network and schedule: seconds, not minutes.
const char* const kQuick =
    " --arch convnet --blocks 2 --filters 8 --input-size 32 --embedding 16 --people-per-batch 3"
    " --photos-per-person 2 --steps-per-epoch 2 --threads 1";

class TrainCli : public ::testing::Test {
 protected:
  void SetUp() override {
    SIAMESE_REQUIRE_DATA("lfw/images");
    auto link = [&](const char* person) {
      fs::create_directories(m_dir.file("set/" + std::string(person)));
      for (int n = 1; n <= 6; ++n) {
        const fs::path photo = test::lfwPhoto(person, n);
        fs::create_symlink(photo, m_dir.file("set/" + std::string(person) + "/" + photo.filename().string()));
      }
    };
    for (const char* p : kDevTest) link(p);
    for (const char* p : kFoldOne) link(p);
    for (const char* p : kNeither) link(p);
    test::runCli("prepare " + m_dir.file("set") + " --out " + m_dir.file("c.cache") + " --crop 64 --threads 1");
  }

  std::vector<std::string> identitiesOf(const std::string& bundle) const {
    return readBundle(bundle).metadata.training.identities;
  }
  static bool has(const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  }

  test::ScratchDir m_dir;
};

TEST_F(TrainCli, HoldOutKeepsTheNamedPeopleOutOfTraining) {
  const std::string out = m_dir.file("dev.siamese");
  const std::string log = test::runCli("train " + m_dir.file("c.cache") + " --out " + out + " --epochs 1 --split 0.5,0.5,0" +
                                       " --hold-out " + test::data("lfw/pairsDevTest.txt") + kQuick);
  const auto seen = identitiesOf(out);
  ASSERT_FALSE(seen.empty()) << log;
  for (const char* p : kDevTest) EXPECT_FALSE(has(seen, p)) << p << " is in View 1's test pairs";
  // Nor do they validate (which would choose the threshold on them).
  const std::string splits = readTextFile(m_dir.file("dev-pairs/train.csv")) + readTextFile(m_dir.file("dev-pairs/validation.csv"));
  for (const char* p : kDevTest) EXPECT_FALSE(contains(splits, p)) << p << " is in the written splits";
  EXPECT_TRUE(contains(splits, "Al_Gore")) << "the others are in the splits";
  // Everyone left is either trained on or validates: nobody else is dropped.
  const BundleMetadata meta = readBundle(out).metadata;
  EXPECT_EQ(meta.training.epochs, 1);

  const std::string folds = m_dir.file("folds.siamese");
  test::runCli("train " + m_dir.file("c.cache") + " --out " + folds + " --epochs 1 --split 0.5,0.5,0" +
               " --hold-out " + test::data("lfw/pairs.txt") + " --hold-out-folds 1" + kQuick);
  for (const char* p : kFoldOne) EXPECT_FALSE(has(identitiesOf(folds), p)) << p << " is in fold 1";

  // The others are trained on (or validate): nobody else is dropped.
  int trained = 0;
  for (const char* p : kNeither) trained += has(seen, p) ? 1 : 0;
  EXPECT_GE(trained, 1) << "the people in no protocol file must be trained on";

  // The bundle's list is what eval's leakage check reads: View 1's test
  // pairs are a fair test of the held-out model, not of the other. (The
  // small set holds none of those pairs' photos, so the fair run then stops
  // for want of pairs: only its leakage verdict matters here.)
  const std::string fair = test::runCli("eval --model " + out + " --cache " + m_dir.file("c.cache") + " --lfw-pairs " +
                                        test::data("lfw/pairsDevTest.txt"), 1);
  EXPECT_TRUE(contains(fair, "none of the 963 people evaluated was seen in training")) << fair;
  const std::string unfair = test::runCli("eval --model " + folds + " --cache " + m_dir.file("c.cache") +
                                          " --lfw-pairs " + test::data("lfw/pairsDevTest.txt"), 1);
  EXPECT_TRUE(contains(unfair, "trained on")) << unfair;
}

TEST_F(TrainCli, OptionsBesideAConfigFileWinAndPairListsAreUsed) {
  test::writeText(m_dir.file("cfg.json"), R"({"epochs": 3, "loss": "triplet", "margin": 0.3})");
  test::runCli("pairs " + m_dir.file("c.cache") + " --out " + m_dir.file("pairs") + " --split 0.6,0.4,0");
  ASSERT_TRUE(fs::exists(m_dir.file("pairs/train.csv")));
  const std::string out = m_dir.file("cfg.siamese");
  const std::string log = test::runCli("train " + m_dir.file("c.cache") + " --out " + out + " --config " +
                                       m_dir.file("cfg.json") + " --epochs 1 --pairs-dir " + m_dir.file("pairs") + kQuick);
  const BundleMetadata meta = readBundle(out).metadata;
  EXPECT_EQ(meta.training.epochs, 1) << "the command line's --epochs wins over the file";
  EXPECT_EQ(meta.training.loss, "triplet") << "what only the file says is kept";
  EXPECT_TRUE(contains(meta.training.configJson, "\"margin\": 0.3")) << meta.training.configJson;
  // Trained on the pair list's training people only.
  const std::string trainCsv = readTextFile(m_dir.file("pairs/train.csv"));
  for (const std::string& person : meta.training.identities) {
    EXPECT_TRUE(contains(trainCsv, person)) << person << " is not in train.csv";
  }
}

// A run that goes on from a model (--init) with batches of another seed
// splits the people as that model's run did: its validation people, on
// which its best epoch is chosen, stay people neither network trained on.
TEST_F(TrainCli, GoingOnFromAModelKeepsItsSplitOfPeople) {
  const std::string first = m_dir.file("first.siamese");
  test::runCli("train " + m_dir.file("c.cache") + " --out " + first + " --epochs 1 --split 0.5,0.5,0 --seed 1" + kQuick);
  const std::string next = m_dir.file("next.siamese");
  const std::string log = test::runCli("train " + m_dir.file("c.cache") + " --out " + next + " --init " + first +
                                       " --trainable all --epochs 1 --split 0.5,0.5,0 --seed 2" + kQuick);
  EXPECT_TRUE(contains(log, "people split with seed 1")) << log;
  EXPECT_FALSE(contains(log, "warning:")) << log;
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  ASSERT_FALSE(identitiesOf(first).empty());
  EXPECT_EQ(sorted(identitiesOf(next)), sorted(identitiesOf(first)));
  EXPECT_EQ(readTextFile(m_dir.file("next-pairs/validation.csv")).size(),
            readTextFile(m_dir.file("first-pairs/validation.csv")).size());
  for (const std::string& person : identitiesOf(first)) {
    EXPECT_FALSE(contains(readTextFile(m_dir.file("next-pairs/validation.csv")), person)) << person;
  }

  // A split of its own, asked for, takes validation people the first
  // model learned: the run says so.
  const std::string own = m_dir.file("own.siamese");
  const std::string ownLog = test::runCli("train " + m_dir.file("c.cache") + " --out " + own + " --init " + first +
                                          " --trainable all --epochs 1 --split 0.5,0.5,0 --seed 2 --split-seed 2" + kQuick);
  ASSERT_NE(sorted(identitiesOf(own)), sorted(identitiesOf(first))) << "seed 2 splits these 8 people otherwise";
  EXPECT_TRUE(contains(ownLog, "validation people were trained on by")) << ownLog;
}

// --search runs the shared recipe: short trials, then the best trial's
// settings trained with the schedule given on the command line.
TEST_F(TrainCli, SearchThenTrainKeepsTheRequestedSchedule) {
  const std::string out = m_dir.file("searched.siamese");
  const std::string log = test::runCli("train " + m_dir.file("c.cache") + " --out " + out +
                                       " --split 0.6,0.4,0 --search 2 --epochs 2 --patience 9" + kQuick);
  EXPECT_TRUE(contains(log, "search trial 2/2")) << log;
  EXPECT_TRUE(contains(log, "Trained the best trial's settings")) << log;
  const BundleMetadata meta = readBundle(out).metadata;
  EXPECT_EQ(meta.training.epochs, 2) << "the requested schedule, not a trial's";
  EXPECT_TRUE(contains(meta.training.configJson, "\"patience\": 9")) << meta.training.configJson;
  EXPECT_TRUE(contains(meta.training.configJson, "\"steps_per_epoch\": 2")) << meta.training.configJson;
}

}  // namespace
}  // namespace siamese
