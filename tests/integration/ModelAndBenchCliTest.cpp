// `siamese model` (show a bundle, change its name, mirror averaging,
// threshold or precision) and `siamese bench accuracy` (BENCHMARKS.md), through the CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "nn/ModelBundle.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The first capture of `pattern` in `text`, or "" when it does not match.
std::string firstMatch(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "";
}

class ModelAndBenchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(test::defaultModel())) GTEST_SKIP() << "no " << test::defaultModel();
  }
};

TEST_F(ModelAndBenchCli, ModelShowsAndChangesTheBundleSettings) {
  test::ScratchDir dir;
  const std::string model = dir.file("m.siamese");
  std::filesystem::copy_file(test::defaultModel(), model);
  const std::string shown = test::runCli("model " + model);
  const std::string id = firstMatch(shown, "model id +([0-9a-f]{16})");
  ASSERT_EQ(id.size(), 16u) << shown;
  EXPECT_TRUE(contains(shown, "mirror averaging off")) << shown;

  // A new name keeps the id: the embeddings are unchanged.
  const std::string renamed = test::runCli("model " + model + " --name 'Renamed model' --out " + dir.file("n.siamese"));
  EXPECT_TRUE(contains(renamed, "model id " + id + ", unchanged")) << renamed;
  EXPECT_TRUE(contains(test::runCli("model " + dir.file("n.siamese")), "Renamed model"));

  // Mirror averaging changes the embeddings, so the id, and warns that the
  // threshold was chosen the other way.
  const std::string mirrored = test::runCli("model " + model + " --mirror-average on --out " + dir.file("mirror.siamese"));
  EXPECT_TRUE(contains(mirrored, "was " + id)) << mirrored;
  EXPECT_TRUE(contains(mirrored, "mirror averaging on")) << mirrored;
  EXPECT_TRUE(contains(mirrored, "choose it anew")) << mirrored;
  EXPECT_TRUE(contains(test::runCli("model " + model), "model id        " + id)) << "the original was changed";

  const std::string badValue = test::runCli("model " + model + " --mirror-average maybe", 1);
  EXPECT_TRUE(contains(badValue, "takes on or off")) << badValue;
  const std::string noCache = test::runCli("model " + model + " --threshold-pairs x.csv", 1);
  EXPECT_TRUE(contains(noCache, "--threshold-pairs needs --cache")) << noCache;
  test::writeText(dir.file("broken.siamese"), "not a model");
  const std::string broken = test::runCli("model " + dir.file("broken.siamese"), 1);
  EXPECT_TRUE(contains(broken, "not a Siamese Studio model bundle")) << broken;
}

TEST_F(ModelAndBenchCli, ModelInEightBitIntegersIsCheckedAgainstFloat32OnOtherPhotos) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  test::ScratchDir dir;
  const std::string student = std::string(SIAMESE_MODELS_DIR) + "/benchmark/student-1-5-averaged.siamese";
  const std::string cache = test::writeLfwCacheOfPeopleTrainedOn(readBundle(student).metadata, 40, dir.file("c.cache"));
  const std::string run = test::runCli("model " + student + " --precision int8 --cache " + cache + " --out " + dir.file("i.siamese"));
  if (contains(run, "no oneDNN integer engine")) GTEST_SKIP() << run;
  // 30 photos set the ranges, the other 10 (a quarter) check them: an
  // integer embedding lies close to its float32 one (a wrong scale moves
  // it a large share of the distance between different photos).
  const std::string shift = firstMatch(run, "an embedding moves ([0-9.]+) on average");
  const std::string apart = firstMatch(run, "different photos lie ([0-9.]+) apart");
  const std::string correlation = firstMatch(run, "their distances correlate ([0-9.]+)");
  ASSERT_FALSE(shift.empty() || apart.empty() || correlation.empty()) << run;
  EXPECT_TRUE(contains(run, "on 10 photos")) << run;
  EXPECT_LT(std::stod(shift), 0.1 * std::stod(apart)) << run;
  EXPECT_GT(std::stod(correlation), 0.98) << run;
  EXPECT_TRUE(contains(test::runCli("model " + dir.file("i.siamese")), "ranges min-max of 30 crops"));

  const std::string clipped = test::runCli("model " + student + " --precision int8 --cache " + cache +
                                           " --calibration-ranges least-squares --check-crops 0 --out " + dir.file("l.siamese"));
  EXPECT_FALSE(contains(clipped, "8-bit check")) << clipped;
  EXPECT_TRUE(contains(test::runCli("model " + dir.file("l.siamese")), "ranges least-squares of 40 crops"));
  const std::string unknown = test::runCli("model " + student + " --precision int8 --cache " + cache +
                                           " --calibration-ranges percentile", 105);  // CLI11: a bad value
  EXPECT_TRUE(contains(unknown, "percentile")) << unknown;
  const std::string convnet =
      test::runCli("model " + test::defaultModel() + " --precision int8 --cache " + cache + " --out " + dir.file("x.siamese"), 1);
  EXPECT_TRUE(contains(convnet, "only a residual net")) << convnet;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.siamese")));
}

TEST_F(ModelAndBenchCli, BenchAccuracyWritesTheTableEvalAgreesWith) {
  SIAMESE_REQUIRE_DATA("att_faces");
  test::ScratchDir dir;
  const std::string out = dir.file("BENCHMARKS.md");
  SIAMESE_REQUIRE_FACE_TOWER();
  const std::string run = test::runCli("bench accuracy --only att,mnist --data " + test::dataDir() + " --work " +
                                       dir.file("work") + " --model " + test::defaultModel() + " --tower " +
                                       test::faceTower() + " --mnist-model " + dir.file("none.siamese") + " --out " + out);
  const std::string table = readText(out);
  ASSERT_FALSE(table.empty()) << run;

  // The AT&T row holds, for each family, the figure `siamese eval` gives on
  // the cache the benchmark prepared for it.
  const std::string row = firstMatch(table, "(\\| AT&T identification \\|[^\\n]*)");
  const std::string ownFigure = firstMatch(row, "\\| \\*\\*([0-9.]+)%\\*\\* \\| \\*\\*");
  const std::string towerFigure = firstMatch(row, "%\\*\\* \\| \\*\\*([0-9.]+)%\\*\\*");
  ASSERT_FALSE(ownFigure.empty()) << table;
  ASSERT_FALSE(towerFigure.empty()) << table;
  const std::string ownEval = test::runCli("eval --model " + test::defaultModel() + " --cache " +
                                           dir.file("work/att_faces-112.cache") + " --identify 1");
  EXPECT_EQ(firstMatch(ownEval, "rank-1 ([0-9.]+)%"), ownFigure) << ownEval;
  const std::string towerEval = test::runCli("eval --model " + test::faceTower() + " --cache " +
                                             dir.file("work/att_faces-150-chip.cache") + " --identify 1");
  EXPECT_EQ(firstMatch(towerEval, "rank-1 ([0-9.]+)%"), towerFigure) << towerEval;
  // Chance is 2.5% (40 people). Our model measured 73%, the tower 97% and
  // more: bounds that a broken or untrained network cannot reach.
  EXPECT_GT(std::stod(ownFigure), 55.0) << "our model fell far below its measured 73%";
  EXPECT_GT(std::stod(towerFigure), 90.0) << "the tower fell below what it reaches";

  // A missing model is a row that says what to run, not a failure.
  const std::string mnist = firstMatch(table, "(\\| MNIST pairs \\|[^\\n]*)");
  EXPECT_TRUE(contains(mnist, "not measured")) << table;
  EXPECT_TRUE(contains(table, "scripts/reproduce-mnist.sh")) << table;
  EXPECT_TRUE(contains(table, "the MNIST seed project 88%")) << table;

  const std::string unknown = test::runCli("bench accuracy --only imagenet --out " + dir.file("x.md"), 1);
  EXPECT_TRUE(contains(unknown, "unknown benchmark 'imagenet'")) << unknown;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.md")));
}

// The speed benchmarks: a real (short) training run timed by phase, and
// embedding throughput; each rewrites only its own section of the file.
TEST_F(ModelAndBenchCli, SpeedBenchmarksWriteTheirOwnSectionsAndKeepTheOthers) {
  test::ScratchDir dir;
  const std::string out = dir.file("BENCHMARKS.md");
  test::writeText(out, "<!-- siamese bench accuracy -->\naccuracy table\n<!-- end of siamese bench accuracy -->\n");
  const std::string training = test::runCli("bench training --cases resnet --steps 2 --warmup 1 --python none --work " +
                                            dir.file("work") + " --trace " + dir.file("trace") + " --out " + out);
  EXPECT_TRUE(contains(training, "resnet   ours:")) << training;
  // --trace: the operators of the timed steps, as a Chrome trace (the residual net's convolutions among them).
  const std::string trace = readText(dir.file("trace-resnet.json"));
  EXPECT_TRUE(contains(trace, "\"ph\": \"X\"") && contains(trace, "aten::convolution")) << trace.substr(0, 400);
  const std::string speed = firstMatch(training, "ours: +([0-9.]+) images/s");
  ASSERT_FALSE(speed.empty()) << training;
  EXPECT_GT(std::stod(speed), 1.0) << "a step of 64 images takes well under a minute";
  const std::string embedding = test::runCli("bench embedding --model " + test::defaultModel() +
                                             " --seconds 0.2 --out " + out);
  EXPECT_TRUE(contains(embedding, "batch 64")) << embedding;
  const std::string table = readText(out);
  EXPECT_TRUE(contains(table, "accuracy table")) << "another command's section is kept\n" << table;
  EXPECT_TRUE(contains(table, "# Benchmarks: training speed")) << table;
  EXPECT_TRUE(contains(table, "skipped (--python none)")) << table;
  EXPECT_TRUE(contains(table, "# Benchmarks: embedding speed")) << table;
  // Run again: the section is replaced, not appended.
  test::runCli("bench embedding --model " + test::defaultModel() + " --seconds 0.1 --out " + out);
  const std::string again = readText(out);
  EXPECT_EQ(again.find("# Benchmarks: embedding speed"), again.rfind("# Benchmarks: embedding speed")) << again;
  EXPECT_TRUE(contains(again, "# Benchmarks: training speed")) << again;

  const std::string unknown = test::runCli("bench training --cases alexnet --out " + out, 1);
  EXPECT_TRUE(contains(unknown, "no training benchmark called 'alexnet'")) << unknown;

  // Fine-tuning the face tower: its frozen layers run once, before the steps.
  if (std::filesystem::exists(test::faceTower())) {
    const std::string tower = test::runCli("bench training --cases tower-last2 --steps 2 --warmup 1 --python none --tower " +
                                           test::faceTower() + " --work " + dir.file("work") + " --out " + out);
    EXPECT_TRUE(contains(tower, "ran the frozen layers once over 320 photos")) << tower;
    const std::string towerSpeed = firstMatch(tower, "ours: +([0-9.]+) images/s");
    ASSERT_FALSE(towerSpeed.empty()) << tower;
    EXPECT_GT(std::stod(towerSpeed), 1.0) << tower;
    EXPECT_TRUE(contains(readText(out), "face tower, fine-tuning its last 2 blocks")) << readText(out);
  }
}

// Where the tower cannot be had (a GPU machine, which can fetch nothing),
// its cases run its network with random weights, and the table says so; a
// GPU asked for where there is none is refused by name.
TEST_F(ModelAndBenchCli, TrainingBenchmarkRunsTheTowersNetworkUntrainedWhereTheTowerIsMissing) {
  test::ScratchDir dir;
  const std::string out = dir.file("BENCHMARKS.md");
  const std::string run = test::runCli("bench training --cases tower-all --steps 1 --warmup 0 --python none --tower untrained"
                                       " --work " + dir.file("work") + " --out " + out);
  const std::string speed = firstMatch(run, "ours: +([0-9.]+) images/s");
  ASSERT_FALSE(speed.empty()) << run;
  EXPECT_GT(std::stod(speed), 1.0) << run;
  const BundleMetadata untrained = readBundle(dir.file("work/untrained-face-tower.siamese")).metadata;
  EXPECT_TRUE(untrained.network.isDlibResNet());
  EXPECT_EQ(untrained.input.alignment, "dlib-chip");
  const std::string table = readText(out);
  EXPECT_TRUE(contains(table, "face tower, fine-tuning all of it") && contains(table, "random weights")) << table;

  if (std::filesystem::exists("/dev/nvidiactl")) return;  // a GPU machine: it would train there
  const std::string gpu = test::runCli("bench training --cases convnet --steps 1 --python none --device cuda --work " +
                                           dir.file("work") + " --out " + out,
                                       1);
  EXPECT_TRUE(contains(gpu, "no CUDA device")) << gpu;
}

}  // namespace
}  // namespace siamese
