// The CLI's tool commands nothing else covered: `siamese tune` (the search,
// its table, and the policy that the best trial's short schedule is not
// kept for the full run), `siamese scene` (a video with a known answer) and
// `siamese demo` (prepare, pairs and a montage on a slice of LFW).

#include <filesystem>

#include "common/AtomicFile.h"
#include "data/FaceCache.h"
#include "live/FrameSource.h"
#include "support/TestSupport.h"
#include "train/TrainConfig.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using test::contains;

TEST(ToolsCli, TuneTriesTheBudgetAndKeepsTheBestConfigurationForAFullRun) {
  SIAMESE_REQUIRE_DATA("att_faces");
  test::ScratchDir dir;
  test::runCli("prepare " + test::data("att_faces") + " --out " + dir.file("att.cache") + " --crop 64 --threads 1");
  const std::string out = test::runCli("tune " + dir.file("att.cache") + " --trials 3 --epochs-per-trial 1" +
                                       " --steps-per-epoch 2 --input-size 32 --out " + dir.file("best.json") +
                                       " --table " + dir.file("trials.csv"));
  const std::string table = readTextFile(dir.file("trials.csv"));
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 4) << "a header and three trials\n" << table;
  const TrainConfig best = TrainConfig::fromJson(readTextFile(dir.file("best.json")));
  // The short trial schedule is the search's, not the recipe for the real run.
  EXPECT_EQ(best.epochs, TrainConfig{}.epochs);
  EXPECT_EQ(best.stepsPerEpoch, 0);
  EXPECT_EQ(best.patience, TrainConfig{}.patience);
  EXPECT_EQ(best.network.inputSize, 32) << "what the search was told to keep is kept";
  EXPECT_TRUE(contains(out, "siamese train")) << out;
}

TEST(ToolsCli, SceneWritesAVideoOfThePortraits) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  test::ScratchDir dir;
  const std::string out = test::runCli("scene " + test::lfwPhoto("Abdullah_Gul", 1) + " " +
                                       test::lfwPhoto("Jacques_Chirac", 1) + " " + test::lfwPhoto("Winona_Ryder", 1) +
                                       " --out " + dir.file("clip.avi") + " --frames-per-face 10 --size 320x240");
  // Two lanes: the third face follows the first after 10 frames and a 1-frame gap.
  EXPECT_TRUE(contains(out, "21 frames")) << out;
  auto source = openFrameSource(dir.file("clip.avi"));
  int frames = 0;
  CapturedFrame frame;
  while (source->read(frame) == ReadStatus::Frame) {
    EXPECT_EQ(frame.image.width(), 320);
    EXPECT_EQ(frame.image.height(), 240);
    ++frames;
  }
  EXPECT_EQ(frames, 21);
}

TEST(ToolsCli, DemoPreparesPairsAndDrawsAMontageOfLfw) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  test::ScratchDir dir;
  // LFW's 19 people with 40 or more photos, three photos each: seconds.
  const std::string out = test::runCli("demo --data " + test::data("") + " --out " + dir.file("demo") +
                                       " --min-photos 40 --max-photos 3");
  EXPECT_TRUE(contains(out, "== 3. Montage")) << out;
  const FaceCache cache = FaceCache::load(dir.file("demo/lfw-faces.cache"));
  EXPECT_EQ(cache.people().size(), 19u);
  EXPECT_GE(cache.size(), 52u) << "HOG finds nearly every one of the 57 faces";
  for (const char* split : {"train", "validation", "test"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.file(std::string("demo/pairs/") + split + ".csv"))) << split;
  }
  const Image montage = loadImage(dir.file("demo/montage-test.png"));
  EXPECT_GE(montage.width(), 7 * 2 * 96) << "seven pairs of 96 px faces a row";
}

}  // namespace
}  // namespace siamese
