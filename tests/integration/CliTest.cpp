// The `siamese` CLI end to end on a small real data set: prepare → cache-info
// → pairs → montage, LFW protocol conversion, and clear errors (non-zero
// exit, message naming the problem) on bad input.

#include <algorithm>
#include <filesystem>

#include "common/AtomicFile.h"
#include "data/FaceCache.h"
#include "data/PairCsv.h"
#include "live/FrameSource.h"
#include "live/SyntheticScene.h"
#include "live/VideoFileWriter.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using test::contains;



TEST(Cli, VersionIsPrinted) {
  EXPECT_TRUE(contains(test::runCli("--version"), "siamese 0."));
}

TEST(Cli, PreparePairsAndMontageOnJohns) {
  SIAMESE_REQUIRE_DATA("johns");
  test::ScratchDir dir;
  const std::string cache = dir.file("johns.cache");
  const std::string prepared = test::runCli("prepare " + test::data("johns") + " --out " + cache + " --crop 64");
  EXPECT_TRUE(contains(prepared, "55 photos of 5 people")) << prepared;
  EXPECT_TRUE(contains(prepared, "photos/s")) << prepared;
  EXPECT_TRUE(contains(prepared, "aligned 55")) << prepared;

  const std::string again = test::runCli("prepare " + test::data("johns") + " --out " + cache + " --crop 64");
  EXPECT_TRUE(contains(again, "55 photos were already in the cache")) << again;

  const std::string info = test::runCli("cache-info " + cache);
  EXPECT_TRUE(contains(info, "55 of 5 people")) << info;

  // Five people cannot make three splits of two or more each with 0.7/0.15/0.15;
  // use halves of train and test only.
  const std::string pairs = test::runCli("pairs " + cache + " --out " + dir.file("pairs") +
                                " --split 0.6,0,0.4 --pairs 40 --seed 7");
  EXPECT_TRUE(contains(pairs, "exactly 50% same in every split")) << pairs;
  EXPECT_TRUE(contains(pairs, "people in more than one split: 0")) << pairs;
  const auto rows = readPairsCsv(dir.file("pairs/train.csv"));
  EXPECT_EQ(rows.size(), 40u);
  EXPECT_FALSE(std::filesystem::exists(dir.file("pairs/validation.csv")));

  test::runCli("montage " + dir.file("pairs/test.csv") + " --cache " + cache + " --out " + dir.file("m.png") +
      " --grid 4x3 --face-size 48");
  const Image montage = loadImage(dir.file("m.png"));
  EXPECT_EQ(montage.width(), 4 * (2 * 48 + 6) + 6);
  EXPECT_EQ(montage.height(), 3 * (48 + 34 + 6) + 6);
}

TEST(Cli, LfwPairsConvertsTheProtocol) {
  SIAMESE_REQUIRE_DATA("lfw/pairs.txt");
  test::ScratchDir dir;
  const std::string out = test::runCli("lfw-pairs " + test::data("lfw/pairs.txt") + " --fold 3 --out " + dir.file("f3.csv"));
  EXPECT_TRUE(contains(out, "10 folds, 6000 pairs read; 600 written")) << out;
  const auto rows = readPairsCsv(dir.file("f3.csv"));
  ASSERT_EQ(rows.size(), 600u);
  EXPECT_TRUE(rows.front().same);
  EXPECT_FALSE(rows.back().same);
  EXPECT_TRUE(std::filesystem::exists(rows.front().sourceA)) << rows.front().sourceA;
}

TEST(Cli, BadInputGivesAClearErrorAndExitCode) {
  test::ScratchDir dir;
  test::writeText(dir.file("broken.jpg"), "not a photo");
  const std::string detect = test::runCli("detect " + dir.file("broken.jpg"), 1);
  EXPECT_TRUE(contains(detect, "broken.jpg")) << detect;
  EXPECT_TRUE(contains(detect, "not an image")) << detect;

  const std::string missing = test::runCli("prepare " + dir.file("nowhere") + " --out " + dir.file("x.cache"), 1);
  EXPECT_TRUE(contains(missing, "not found")) << missing;

  const std::string notCache = test::runCli("cache-info " + dir.file("broken.jpg"), 1);
  EXPECT_TRUE(contains(notCache, "not a face cache")) << notCache;

  test::runCli("prepare", 106);  // CLI11: a required argument is missing
}

TEST(Cli, DetectReportsFacesOfAGoodPhoto) {
  SIAMESE_REQUIRE_DATA("lfw/images/Colin_Powell/Colin_Powell_0001.jpg");
  test::ScratchDir dir;
  const std::string out = test::runCli("detect " + test::data("lfw/images/Colin_Powell/Colin_Powell_0001.jpg") +
                              " --crop-out " + dir.file("crop.png") + " --crop 96");
  EXPECT_TRUE(contains(out, "1 face(s)")) << out;
  EXPECT_TRUE(contains(out, "landmark-aligned")) << out;
  EXPECT_EQ(loadImage(dir.file("crop.png")).width(), 96);
}

}  // namespace
}  // namespace siamese

namespace siamese {
namespace {

// The shipped default model, end to end through the CLI.
class CliWithDefaultModel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(test::defaultModel())) GTEST_SKIP() << "no " << test::defaultModel();
    SIAMESE_REQUIRE_DATA("lfw/images");
  }
  static std::string photo(const std::string& person, int number) { return test::lfwPhoto(person, number); }
};

TEST_F(CliWithDefaultModel, CompareTellsSameFromDifferent) {
  SIAMESE_REQUIRE_FACE_TOWER();
  // The first six same and six different pairs of LFW View 1's test list,
  // people neither model trained on. A model that guesses gets all twelve
  // right once in 4,096 tries; the tower (99.3% on these pairs) gets them.
  struct Pair {
    std::string a, b;
    bool same;
  };
  const std::vector<Pair> pairs = {
      {photo("Abdullah_Gul", 13), photo("Abdullah_Gul", 14), true},
      {photo("Abdullah_Gul", 13), photo("Abdullah_Gul", 16), true},
      {photo("Abdullatif_Sener", 1), photo("Abdullatif_Sener", 2), true},
      {photo("Adel_Al-Jubeir", 1), photo("Adel_Al-Jubeir", 3), true},
      {photo("Al_Pacino", 1), photo("Al_Pacino", 2), true},
      {photo("Alan_Greenspan", 1), photo("Alan_Greenspan", 5), true},
      {photo("AJ_Lamas", 1), photo("Zach_Safrin", 1), false},
      {photo("Aaron_Guiel", 1), photo("Reese_Witherspoon", 3), false},
      {photo("Aaron_Tippin", 1), photo("Jose_Luis_Rodriguez_Zapatero", 1), false},
      {photo("Abdul_Majeed_Shobokshi", 1), photo("Charles_Cope", 1), false},
      {photo("Abdullah_Gul", 16), photo("Steve_Cox", 1), false},
      {photo("Abid_Hamid_Mahmud_Al-Tikriti", 1), photo("Eli_Broad", 1), false},
  };
  for (const Pair& p : pairs) {
    const std::string out = test::runCli("compare --model " + test::faceTower() + " " + p.a + " " + p.b);
    EXPECT_TRUE(contains(out, p.same ? "SAME person" : "DIFFERENT people")) << p.a << " vs " << p.b << ": " << out;
  }
  const std::string bad = test::runCli("compare " + photo("Abdullah_Gul", 13) + " " + test::data("lfw/pairs.txt"), 1);
  EXPECT_TRUE(contains(bad, "not an image")) << bad;
}

TEST_F(CliWithDefaultModel, EvaluationRefusesPeopleTheModelWasTrainedOn) {
  // George W Bush has hundreds of photos: he is in the training set.
  test::ScratchDir dir;
  for (int i = 1; i <= 3; ++i) {
    std::filesystem::create_directories(dir.file("set/George_W_Bush"));
    std::filesystem::create_directories(dir.file("set/Colin_Powell"));
    std::filesystem::copy_file(photo("George_W_Bush", i), dir.file("set/George_W_Bush/" + std::to_string(i) + ".jpg"));
    std::filesystem::copy_file(photo("Colin_Powell", i), dir.file("set/Colin_Powell/" + std::to_string(i) + ".jpg"));
  }
  test::runCli("prepare " + dir.file("set") + " --out " + dir.file("c.cache"));
  const std::string model = " --model " + test::defaultModel();  // our own model, trained on these people
  const std::string refused = test::runCli("eval --cache " + dir.file("c.cache") + model + " --n-way 2 --tasks 10", 1);
  EXPECT_TRUE(contains(refused, "trained on")) << refused;
  const std::string flagged =
      test::runCli("eval --cache " + dir.file("c.cache") + model + " --n-way 2 --tasks 10 --allow-seen");
  EXPECT_TRUE(contains(flagged, "NOT a fair test")) << flagged;
}

TEST_F(CliWithDefaultModel, PlotDrawsTheTrainingHistory) {
  const std::string history = test::defaultModel() + ".history.csv";
  if (!std::filesystem::exists(history)) GTEST_SKIP() << "no " << history;
  test::ScratchDir dir;
  test::runCli("plot " + history + " --out-dir " + dir.path());
  EXPECT_EQ(loadImage(dir.file("loss.png")).width(), 800);
  EXPECT_EQ(loadImage(dir.file("accuracy.png")).height(), 500);
}

}  // namespace
}  // namespace siamese

namespace siamese {
namespace {

TEST_F(CliWithDefaultModel, GalleryEnrolsListsRenamesRemovesAndIdentifies) {
  test::ScratchDir dir;
  const std::string gallery = " --gallery " + dir.file("g.db");
  const std::string added = test::runCli("gallery" + gallery + " add \"Abdullah Gul\" " + photo("Abdullah_Gul", 1) + " " +
                                photo("Abdullah_Gul", 1));
  EXPECT_TRUE(contains(added, "1 of 2 photos enrolled")) << added;
  EXPECT_TRUE(contains(added, "already enrolled")) << added;
  test::runCli("gallery" + gallery + " add \"Amanda Bynes\" " + photo("Amanda_Bynes", 1));
  EXPECT_TRUE(contains(test::runCli("gallery" + gallery + " list"), "Amanda Bynes")) << "list";

  // The enrolled photo itself is named (distance ~0).
  const std::string named = test::runCli("identify" + gallery + " " + photo("Abdullah_Gul", 1));
  EXPECT_TRUE(contains(named, "1 face(s)")) << named;
  EXPECT_TRUE(contains(named, ": Abdullah Gul")) << named;

  test::runCli("gallery" + gallery + " rename \"Amanda Bynes\" Amanda");
  const std::string listed = test::runCli("gallery" + gallery + " list");
  EXPECT_TRUE(contains(listed, "Amanda ")) << listed;
  EXPECT_FALSE(contains(listed, "Bynes")) << listed;
  test::runCli("gallery" + gallery + " remove Amanda");
  EXPECT_FALSE(contains(test::runCli("gallery" + gallery + " list"), "Amanda")) << "after remove";
  const std::string missing = test::runCli("gallery" + gallery + " remove Nobody", 1);
  EXPECT_TRUE(contains(missing, "no person called 'Nobody'")) << missing;
}

// Crops, montages, pair lists, explanations, event logs and annotated
// videos show or name people: like the gallery, every one is owner-only.
TEST_F(CliWithDefaultModel, EveryFileThatShowsOrNamesPeopleIsOwnerOnly) {
  test::ScratchDir dir;
  const std::string out = dir.file("out");
  const std::string gallery = " --gallery " + out + "/gallery.db -m " + test::defaultModel();
  test::runCli("detect " + photo("Colin_Powell", 1) + " --crop-out " + out + "/crop.png");
  test::runCli("lfw-pairs " + test::data("lfw/pairsDevTest.txt") + " --out " + out + "/lfw.csv");
  test::runCli("prepare " + test::data("johns") + " --out " + out + "/johns.cache --crop 64");
  test::runCli("pairs " + out + "/johns.cache --out " + out + "/pairs --split 0.6,0,0.4 --pairs 40 --seed 7");
  test::runCli("montage " + out + "/pairs/test.csv --cache " + out + "/johns.cache --out " + out + "/montage.png");
  test::runCli("gallery" + gallery + " add \"Colin Powell\" " + photo("Colin_Powell", 1) + " " + photo("Colin_Powell", 2));
  test::runCli("identify" + gallery + " " + photo("Colin_Powell", 3) + " --explain " + out + "/why.png");
  test::runCli("gallery" + gallery + " export " + out + "/gallery.archive");
  test::ScratchDir videoDir;
  test::runCli("live --source " + test::writeGulVideo(videoDir, 20) + gallery + " --out " + out + "/annotated.avi --events " +
               out + "/events.jsonl -q");

  std::vector<std::string> seen;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = std::filesystem::relative(entry.path(), out).string();
    seen.push_back(name);
    const auto perms = entry.status().permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << name << " can be read by others";
  }
  for (const char* expected : {"crop.png", "lfw.csv", "johns.cache", "pairs/test.csv", "montage.png", "gallery.db",
                               "why.png", "gallery.archive", "annotated.avi", "events.jsonl"}) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), expected), seen.end()) << expected << " was not written";
  }
}

TEST_F(CliWithDefaultModel, FoldModelsMustSplitTheFoldsBetweenThem) {
  const std::string pairs = test::data("lfw/pairs.txt");
  const std::string model = test::defaultModel();
  const std::string twice = test::runCli("eval --cache nowhere.cache --lfw-pairs " + pairs + " --fold-models " + model +
                                             ":1-5," + model + ":5-10",
                                         1);
  EXPECT_TRUE(contains(twice, "fold 5 is given to two models")) << twice;
  const std::string beyond = test::runCli("eval --cache nowhere.cache --lfw-pairs " + pairs + " --fold-models " + model + ":1-11", 1);
  EXPECT_TRUE(contains(beyond, "has no fold 11")) << beyond;
  const std::string malformed = test::runCli("eval --cache nowhere.cache --lfw-pairs " + pairs + " --fold-models " + model + ":five", 1);
  EXPECT_TRUE(contains(malformed, "folds must look like 1-5")) << malformed;
}

TEST_F(CliWithDefaultModel, LiveNamesAnEnrolledPersonInAVideoAndLogsEvents) {
  test::ScratchDir dir;
  const std::string gallery = " --gallery " + dir.file("g.db");
  test::runCli("gallery" + gallery + " add \"Abdullah Gul\" " + photo("Abdullah_Gul", 1));

  // Two seconds of video: Abdullah Gul walks in on the left, a stranger on
  // the right.
  SceneActor gul{loadImage(photo("Abdullah_Gul", 1)), "Abdullah Gul", 160, 200, 200, 260, 220, 0, 59};
  SceneActor stranger{loadImage(photo("Alicia_Keys", 1)), "unknown", 480, 220, 450, 240, 220, 10, 59};
  const SyntheticScene scene(640, 480, {gul, stranger});
  {
    VideoFileWriter writer(dir.file("scene.avi"), 30);
    for (int f = 0; f < 60; ++f) writer.write(scene.render(f));
    writer.close();
  }

  const std::string output = test::runCli("live --source " + dir.file("scene.avi") + gallery + " --out " +
                                 dir.file("annotated.mp4") + " --events " + dir.file("events.jsonl") + " --quiet");
  EXPECT_TRUE(contains(output, "60 frames processed")) << output;
  EXPECT_TRUE(contains(output, "mean ms per frame")) << output;
  const std::string events = readTextFile(dir.file("events.jsonl"));
  EXPECT_TRUE(contains(events, R"("event":"appeared")")) << events;
  EXPECT_TRUE(contains(events, R"("person":"Abdullah Gul","known":true)")) << events;
  EXPECT_TRUE(contains(events, R"("event":"left")")) << events;
  // The annotated video has every frame.
  auto annotated = openFrameSource(dir.file("annotated.mp4"));
  CapturedFrame frame;
  int frames = 0;
  while (annotated->read(frame) == ReadStatus::Frame) ++frames;
  EXPECT_EQ(frames, 60);

  const std::string missing = test::runCli("live --source " + dir.file("nowhere.mp4") + gallery, 1);
  EXPECT_TRUE(contains(missing, "nowhere.mp4")) << missing;
}

// Values out of range are refused before anything runs, naming the option:
// none wraps around, spawns thousands of threads or allocates from it.
TEST(Cli, OutOfRangeValuesAreRefusedNamingTheOption) {
  const std::pair<const char*, const char*> cases[] = {
      {"prepare photos --threads 100000", "--threads"},      {"pairs x.cache --pairs -1", "--pairs"},
      {"live --source x --detect-every -1", "--detect-every"}, {"live --source x --embed-every 0", "--embed-every"},
      {"detect x.jpg --min-face -5", "--min-face"},           {"prepare photos --crop 100000", "--crop"},
      {"prepare photos --padding nan", "--padding"},          {"prepare photos --padding 1e30", "--padding"},
      {"eval --model m --tasks -1", "--tasks"},               {"montage x.csv --face-size -5", "--face-size"},
      {"train x.cache --threads -3", "--threads"},
  };
  for (const auto& [arguments, option] : cases) {
    const std::string out = test::runCli(arguments, 105);  // CLI11's exit code for a bad value
    EXPECT_TRUE(contains(out, std::string(option) + ": Value")) << arguments << "\n" << out;
  }
}

}  // namespace
}  // namespace siamese
