// Model bundles: everything written comes back; truncated, altered and
// foreign files are refused with the reason.

#include "common/Error.h"
#include "nn/ModelBundle.h"
#include "support/TestSupport.h"
#include "train/TrainConfig.h"
#include "train/Trainer.h"
#include "train/Tuner.h"

namespace siamese {
namespace {

BundleFile sampleBundle() {
  BundleFile b;
  b.metadata.name = "test model";
  b.metadata.network.embeddingSize = 32;
  b.metadata.distance = "koch";
  b.metadata.input.cropSize = 112;
  b.metadata.input.size = 64;
  b.metadata.threshold = ThresholdInfo{0.42, "eer", "300 validation pairs"};
  b.metadata.training.identities = {"Alice", "Bob"};
  b.metadata.training.people = 2;
  b.metadata.metrics["validation_auc"] = 0.93;
  b.weights = std::string("\0weights\xff", 9);
  return b;
}

TEST(ModelBundle, RoundTripsMetadataAndWeights) {
  test::ScratchDir dir;
  BundleFile b = sampleBundle();
  writeBundle(dir.file("m.siamese"), b);
  EXPECT_EQ(b.metadata.modelId, modelIdOf(b.weights));
  EXPECT_EQ(b.metadata.modelId.size(), 16u);
  const BundleFile back = readBundle(dir.file("m.siamese"));
  EXPECT_EQ(back.weights, b.weights);
  EXPECT_EQ(back.metadata.modelId, b.metadata.modelId);
  EXPECT_EQ(back.metadata.name, "test model");
  EXPECT_EQ(back.metadata.network.embeddingSize, 32);
  EXPECT_EQ(back.metadata.distance, "koch");
  EXPECT_EQ(back.metadata.input.cropSize, 112);
  EXPECT_EQ(back.metadata.input.size, 64);
  EXPECT_DOUBLE_EQ(back.metadata.threshold.value, 0.42);
  EXPECT_EQ(back.metadata.threshold.method, "eer");
  EXPECT_EQ(back.metadata.training.identities, (std::vector<std::string>{"Alice", "Bob"}));
  EXPECT_DOUBLE_EQ(back.metadata.metrics.at("validation_auc"), 0.93);
}

TEST(ModelBundle, AnInt8CalibrationComesBackAndGivesTheBundleItsOwnId) {
  test::ScratchDir dir;
  BundleFile b = sampleBundle();
  writeBundle(dir.file("float.siamese"), b);
  const std::string floatId = b.metadata.modelId;
  b.metadata.int8.ranges = {-1.5f, 2.25f, 0.f, 0.1f / 3};
  b.metadata.int8.calibratedOn = "512 photos";
  b.metadata.int8.crops = 512;
  writeBundle(dir.file("int8.siamese"), b);
  // Embeddings made in integers differ from float ones: a gallery embedded
  // one way must not be matched against the other.
  EXPECT_NE(b.metadata.modelId, floatId);
  const BundleMetadata back = readBundle(dir.file("int8.siamese")).metadata;
  EXPECT_EQ(back.int8.ranges, b.metadata.int8.ranges);  // exactly: the id is computed from them
  EXPECT_EQ(back.int8.calibratedOn, "512 photos");
  EXPECT_EQ(back.int8.crops, 512);
  EXPECT_EQ(modelIdOf(b.weights, back.input, back.int8), b.metadata.modelId);
  EXPECT_TRUE(readBundle(dir.file("float.siamese")).metadata.int8.empty());

  // Bias corrections come back too, and change the id: they change the embeddings.
  const std::string uncorrectedId = b.metadata.modelId;
  b.metadata.int8.biasCorrections = {0.25f, -1.f / 3};
  writeBundle(dir.file("corrected.siamese"), b);
  EXPECT_NE(b.metadata.modelId, uncorrectedId);
  EXPECT_EQ(readBundle(dir.file("corrected.siamese")).metadata.int8.biasCorrections, b.metadata.int8.biasCorrections);
  EXPECT_TRUE(back.int8.biasCorrections.empty());
}

TEST(ModelBundle, BFloat16ComesBackAndGivesTheBundleItsOwnId) {
  test::ScratchDir dir;
  BundleFile b = sampleBundle();
  writeBundle(dir.file("float.siamese"), b);
  const std::string floatId = b.metadata.modelId;
  b.metadata.bfloat16 = true;
  writeBundle(dir.file("bfloat16.siamese"), b);
  EXPECT_NE(b.metadata.modelId, floatId) << "bfloat16 embeddings differ from float32 ones";
  EXPECT_TRUE(readBundle(dir.file("bfloat16.siamese")).metadata.bfloat16);
  EXPECT_FALSE(readBundle(dir.file("float.siamese")).metadata.bfloat16);
  // Both precisions at once are refused, saying so, and nothing is written.
  b.metadata.int8.ranges = {-1.f, 1.f};
  try {
    writeBundle(dir.file("both.siamese"), b);
    ADD_FAILURE() << "a bundle in bfloat16 and 8-bit integers at once was written";
  } catch (const FileError& e) {
    EXPECT_TRUE(test::contains(e.what(), "both in bfloat16 and in 8-bit integers")) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("both.siamese")));
}

TEST(ModelBundle, CropRecipeAndSourceComeBackAndOldBundlesReadAsTemplateCrops) {
  test::ScratchDir dir;
  BundleFile b = sampleBundle();
  b.metadata.input.alignment = "dlib-chip";
  b.metadata.input.normalization = "dlib-rgb";
  b.metadata.source.origin = "npm package x";
  b.metadata.source.sha256 = "ab12";
  b.metadata.source.licence = "CC0";
  writeBundle(dir.file("m.siamese"), b);
  const BundleMetadata back = readBundle(dir.file("m.siamese")).metadata;
  EXPECT_EQ(back.input.alignment, "dlib-chip");
  EXPECT_EQ(back.input.normalization, "dlib-rgb");
  EXPECT_EQ(back.source.origin, "npm package x");
  EXPECT_EQ(back.source.sha256, "ab12");
  EXPECT_EQ(back.source.licence, "CC0");

  // A bundle written before crops had a recipe: the one recipe there was.
  const std::string old = R"({"network": {"architecture": "convnet"}, "input": {"size": 64, "channels": 1,
      "normalisation": "pixel / 127.5 - 1"}, "threshold": {"value": 0.5}, "training": {}})";
  const BundleMetadata before = BundleMetadata::fromJson(old);
  EXPECT_EQ(before.input.alignment, "template");
  EXPECT_EQ(before.input.normalization, "unit-range");
  EXPECT_TRUE(before.source.empty());
  const std::string unknown = R"({"network": {}, "input": {"size": 64, "channels": 1, "alignment": "sideways"},
      "threshold": {"value": 0.5}, "training": {}})";
  EXPECT_TRUE(test::contains(test::errorMessage([&] { BundleMetadata::fromJson(unknown); }), "sideways"));
}

TEST(ModelBundle, TruncatedAlteredAndForeignFilesAreRefused) {
  test::ScratchDir dir;
  BundleFile b = sampleBundle();
  writeBundle(dir.file("m.siamese"), b);
  const auto bytes = test::readBytes(dir.file("m.siamese"));
  auto expectRefused = [&](std::vector<std::uint8_t> content, const std::string& reason) {
    test::writeBytes(dir.file("bad.siamese"), content);
    try {
      readBundle(dir.file("bad.siamese"));
      FAIL() << "accepted; expected: " << reason;
    } catch (const FileError& e) {
      EXPECT_EQ(e.path(), dir.file("bad.siamese"));
      EXPECT_NE(e.reason().find(reason), std::string::npos) << e.reason();
    }
  };
  expectRefused(std::vector<std::uint8_t>(bytes.begin(), bytes.end() - 3), "truncated");
  expectRefused(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 40), "truncated");
  auto altered = bytes;
  altered[altered.size() - 6] ^= 0x01;
  expectRefused(altered, "corrupt");
  expectRefused({'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "not a Siamese Studio model");
}

TEST(TrainConfig, JsonRoundTripAndValidation) {
  TrainConfig c;
  c.loss = "koch";
  c.sampling = "pairs";
  c.learningRate = 3e-4;
  c.augment.rotateDegrees = 12;
  c.network.blocks = 3;
  c.splitSeed = 7;
  const TrainConfig back = TrainConfig::fromJson(c.toJson());
  EXPECT_EQ(back.toJson(), c.toJson());
  EXPECT_EQ(back.peopleSplitSeed(), 7u) << "a stage going on from this model splits its people this way";
  TrainConfig next;
  next.seed = 8;
  next.keepSplitOf(back);
  EXPECT_EQ(next.peopleSplitSeed(), 7u);
  next.splitSeed = 8;
  next.keepSplitOf(back);
  EXPECT_EQ(next.peopleSplitSeed(), 8u) << "a split seed asked for wins";
  TrainConfig bad;
  bad.optimizer = "lion";
  EXPECT_THROW(bad.validate(), Error);
  bad = TrainConfig{};
  bad.loss = "triplet";
  bad.sampling = "pairs";
  EXPECT_THROW(bad.validate(), Error);

  // Blending faces: only where the teacher embeds each step's crops, and a share in [0, 1].
  TrainConfig distil;
  distil.loss = "distil";
  distil.teacher = "tower.siamese";
  distil.teachAugmented = true;
  distil.mixFaces = 0.5;
  EXPECT_NO_THROW(distil.validate());
  EXPECT_DOUBLE_EQ(TrainConfig::fromJson(distil.toJson()).mixFaces, 0.5);
  distil.mixFaces = 1.5;
  EXPECT_THROW(distil.validate(), Error);
  distil.mixFaces = 0.5;
  distil.teachAugmented = false;
  EXPECT_THROW(distil.validate(), Error);

  // Weight averaging starts at an epoch of the run, or never.
  TrainConfig averaged;
  averaged.epochs = 6;
  averaged.averageFromEpoch = 4;
  EXPECT_NO_THROW(averaged.validate());
  EXPECT_EQ(TrainConfig::fromJson(averaged.toJson()).averageFromEpoch, 4);
  averaged.averageFromEpoch = 7;
  EXPECT_THROW(averaged.validate(), Error);
  averaged.averageFromEpoch = -1;
  EXPECT_THROW(averaged.validate(), Error);
}

TEST(TrainConfig, LearningRateSchedules) {
  TrainConfig c;
  c.learningRate = 0.1;
  c.epochs = 10;
  c.schedule = "constant";
  EXPECT_DOUBLE_EQ(scheduledLearningRate(c, 7, 3, 20), 0.1);
  c.schedule = "step";
  c.stepEvery = 4;
  c.stepGamma = 0.5;
  EXPECT_DOUBLE_EQ(scheduledLearningRate(c, 3, 19, 20), 0.1);
  EXPECT_DOUBLE_EQ(scheduledLearningRate(c, 4, 0, 20), 0.05);
  EXPECT_DOUBLE_EQ(scheduledLearningRate(c, 9, 0, 20), 0.025);
  c.schedule = "cosine";
  EXPECT_DOUBLE_EQ(scheduledLearningRate(c, 0, 0, 20), 0.1);
  EXPECT_NEAR(scheduledLearningRate(c, 5, 0, 20), 0.1 * (0.01 + 0.99 * 0.5), 1e-12);  // half way
  EXPECT_NEAR(scheduledLearningRate(c, 10, 0, 20), 0.001, 1e-12);  // the end: 1% of the base, not zero
  double previous = 1;
  for (int epoch = 0; epoch < 10; ++epoch) {
    for (std::size_t step = 0; step < 20; step += 5) {
      const double lr = scheduledLearningRate(c, epoch, step, 20);
      EXPECT_LT(lr, previous + 1e-15) << "cosine never rises";
      previous = lr;
    }
  }
}

TEST(TrainConfig, AFullRunAfterASearchKeepsTheSearchsSettingsAndTheRequestedSchedule) {
  TrainConfig requested;
  requested.epochs = 40;
  requested.stepsPerEpoch = 0;
  requested.patience = 8;
  TuneResult result;
  for (double lr : {1e-3, 5e-3}) {
    TuneTrial trial;
    trial.number = int(result.trials.size()) + 1;
    trial.config.learningRate = lr;
    trial.config.epochs = 3;           // short trials
    trial.config.stepsPerEpoch = 60;
    trial.config.patience = 0;
    trial.config.network.embeddingSize = 64;
    result.trials.push_back(trial);
  }
  result.best = 1;
  const TrainConfig full = configForFullRun(result, requested);
  EXPECT_DOUBLE_EQ(full.learningRate, 5e-3);
  EXPECT_EQ(full.network.embeddingSize, 64);
  EXPECT_EQ(full.epochs, 40);
  EXPECT_EQ(full.stepsPerEpoch, 0);
  EXPECT_EQ(full.patience, 8);
  EXPECT_TRUE(test::contains(test::errorMessage([&] { configForFullRun(TuneResult{}, requested); }), "no trial"));
}

TEST(TrainingHistory, CsvRoundTrip) {
  test::ScratchDir dir;
  std::vector<EpochRecord> history = {{1, 0.5, 0.4, 0.7, 0.75, 1e-3, 12.5}, {2, 0.3, 0.35, 0.8, 0.85, 5e-4, 12.0}};
  writeHistoryCsv(dir.file("h.csv"), history);
  const auto back = readHistoryCsv(dir.file("h.csv"));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].epoch, 2);
  EXPECT_DOUBLE_EQ(back[1].validationAuc, 0.85);
  EXPECT_DOUBLE_EQ(back[0].learningRate, 1e-3);
  test::writeText(dir.file("bad.csv"), "epoch,x\n");
  EXPECT_THROW(readHistoryCsv(dir.file("bad.csv")), Error);
}

}  // namespace
}  // namespace siamese
