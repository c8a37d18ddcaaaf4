// `siamese eval`'s success paths, on small sets: LFW's 10-fold protocol
// with fold models (the path the LFW figure in BENCHMARKS.md takes), and a
// pair list scored with a threshold chosen on other pairs, written out as a
// ROC, histograms and a distances CSV.

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "common/AtomicFile.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using test::contains;
namespace fs = std::filesystem;

/// Links the photos of the first `perClass` same and different pairs of
/// every fold of pairs.txt into a folder per person.
void linkFoldPhotos(const std::string& root, int perClass) {
  std::ifstream in(test::data("lfw/pairs.txt"));
  int folds = 0, perFold = 0;
  in >> folds >> perFold;
  auto link = [&](const std::string& person, int n) {
    fs::create_directories(root + "/" + person);
    const fs::path photo = test::lfwPhoto(person, n);
    const fs::path to = root + "/" + person + "/" + photo.filename().string();
    if (!fs::exists(to)) fs::create_symlink(photo, to);
  };
  for (int f = 0; f < folds; ++f) {
    for (int i = 0; i < perFold; ++i) {  // same pairs: name n1 n2
      std::string name;
      int a = 0, b = 0;
      in >> name >> a >> b;
      if (i < perClass) link(name, a), link(name, b);
    }
    for (int i = 0; i < perFold; ++i) {  // different pairs: name1 n1 name2 n2
      std::string nameA, nameB;
      int a = 0, b = 0;
      in >> nameA >> a >> nameB >> b;
      if (i < perClass) link(nameA, a), link(nameB, b);
    }
  }
}

TEST(EvalCli, LfwTenFoldWithFoldModelsScoresEveryFold) {
  SIAMESE_REQUIRE_DATA("lfw/pairs.txt");
  SIAMESE_REQUIRE_FACE_TOWER();
  test::ScratchDir dir;
  linkFoldPhotos(dir.file("set"), 3);
  test::runCli("prepare " + dir.file("set") + " --out " + dir.file("c.cache") +
               " --crop 150 --colour --padding 0.25 --align dlib-chip --threads 1");
  const std::string out = test::runCli("eval --cache " + dir.file("c.cache") + " --lfw-pairs " +
                                       test::data("lfw/pairs.txt") + " --fold-models " + test::faceTower() + ":1-10");
  for (int f = 1; f <= 10; ++f) {
    EXPECT_TRUE(contains(out, "fold " + std::string(f < 10 ? " " : "") + std::to_string(f) + ":")) << f << "\n" << out;
  }
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("never saw its people: ([0-9.]+)% \\+- ([0-9.]+)%"))) << out;
  // Six pairs a fold, the tower: a guess would average 50%.
  EXPECT_GT(std::stod(m[1].str()), 80.0) << out;
}

TEST(EvalCli, APairListIsScoredAtAThresholdChosenOnOtherPairsAndWrittenOut) {
  SIAMESE_REQUIRE_DATA("att_faces");
  SIAMESE_REQUIRE_FACE_TOWER();
  test::ScratchDir dir;
  test::runCli("prepare " + test::data("att_faces") + " --out " + dir.file("att.cache") +
               " --crop 150 --colour --padding 0.25 --align dlib-chip --threads 1");
  test::runCli("pairs " + dir.file("att.cache") + " --out " + dir.file("pairs") + " --split 0,0.5,0.5");
  const std::string out = test::runCli(
      "eval --model " + test::faceTower() + " --cache " + dir.file("att.cache") + " --pairs " +
      dir.file("pairs/test.csv") + " --threshold-pairs " + dir.file("pairs/validation.csv") + " --threshold-method eer" +
      " --roc " + dir.file("roc.png") + " --histogram " + dir.file("hist.png") + " --distances " + dir.file("d.csv"));
  EXPECT_TRUE(contains(out, "eer")) << out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("accuracy ([0-9.]+)%"))) << out;
  EXPECT_GT(std::stod(m[1].str()), 90.0) << "AT&T pairs, the tower, a threshold from other people\n" << out;
  EXPECT_GT(loadImage(dir.file("roc.png")).width(), 100);
  EXPECT_GT(loadImage(dir.file("hist.png")).width(), 100);
  const std::string csv = readTextFile(dir.file("d.csv"));
  EXPECT_TRUE(contains(csv, "distance")) << csv.substr(0, 200);
  EXPECT_GT(std::count(csv.begin(), csv.end(), '\n'), 50) << "one line per scored pair";
}

}  // namespace
}  // namespace siamese
