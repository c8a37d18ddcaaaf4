// The networks build what their configuration says, every loss matches
// values computed by hand, and augmentation changes what it should and
// nothing else. (This file includes LibTorch: keep such tests in this
// binary, test_networks, and few; each costs ~25 s to compile.)

#include <torch/torch.h>

#include "common/Error.h"
#include "nn/NetworkConfig.h"
#include "nn/detail/Losses.h"
#include "nn/detail/ModelIo.h"
#include "nn/detail/Networks.h"
#include "train/TrainConfig.h"
#include "support/TestSupport.h"
#include "train/detail/Augmentation.h"
#include "train/detail/WeightAverage.h"

namespace siamese {
namespace {

using namespace detail;

torch::Tensor t(std::initializer_list<float> values) { return torch::tensor(std::vector<float>(values)); }

TEST(Networks, ConvnetAndResnetEmbedToTheConfiguredSize) {
  for (const char* architecture : {"convnet", "resnet"}) {
    NetworkConfig config;
    config.architecture = architecture;
    config.inputSize = 48;
    config.channels = 3;
    config.blocks = 3;
    config.filters = 8;
    config.embeddingSize = 24;
    EmbeddingNet net(config);
    net->eval();
    const torch::Tensor out = net->forward(torch::rand({5, 3, 48, 48}) * 2 - 1);
    EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{5, 24})) << architecture;
    // L2-normalised rows.
    EXPECT_TRUE(torch::allclose(out.norm(2, 1), torch::ones({5}), 1e-4, 1e-5)) << architecture;
  }
}

TEST(Networks, FoldingBatchNormIntoTheConvolutionsKeepsTheEmbeddings) {
  for (const char* architecture : {"convnet", "resnet"}) {
    NetworkConfig config;
    config.architecture = architecture;
    config.inputSize = 32;
    config.blocks = 2;
    config.filters = 8;
    config.embeddingSize = 16;
    torch::manual_seed(3);
    EmbeddingNet net(config);
    // Batch statistics as training leaves them, far from the identity that
    // a fresh network starts with (where folding would change nothing).
    torch::NoGradGuard noGrad;
    int norms = 0;
    for (const auto& item : net->named_buffers()) {
      torch::Tensor buffer = item.value();
      if (item.key().find("running_mean") != std::string::npos) buffer.copy_(torch::randn_like(buffer));
      if (item.key().find("running_var") != std::string::npos) buffer.copy_(torch::rand_like(buffer) * 3 + 0.1), ++norms;
    }
    for (const auto& item : net->named_parameters()) {
      torch::Tensor p = item.value();
      if (p.dim() == 1) p.copy_(torch::randn_like(p));  // batch-norm scales and shifts, biases
    }
    ASSERT_GE(norms, 3) << architecture;
    net->eval();
    const torch::Tensor images = torch::rand({6, 1, 32, 32}) * 2 - 1;
    const torch::Tensor before = net->forward(images);
    net->foldBatchNorm();
    const torch::Tensor after = net->forward(images);
    EXPECT_TRUE(torch::allclose(before, after, 1e-4, 1e-5))
        << architecture << ": largest difference " << (before - after).abs().max().item<float>();
    // The batch norms are no longer run: changing their statistics now
    // changes nothing.
    for (const auto& item : net->named_buffers()) {
      if (item.key().find("running_mean") != std::string::npos) item.value().add_(5);
    }
    EXPECT_TRUE(torch::equal(after, net->forward(images))) << architecture;
  }
}

TEST(Networks, WithoutNormalisationEmbeddingsAreNotUnitLength) {
  NetworkConfig config;
  config.inputSize = 32;
  config.blocks = 2;
  config.filters = 8;
  config.l2Normalize = false;
  EmbeddingNet net(config);
  net->eval();
  const torch::Tensor norms = net->forward(torch::rand({4, 1, 32, 32})).norm(2, 1);
  EXPECT_FALSE(torch::allclose(norms, torch::ones({4}), 1e-3, 1e-3));
}

TEST(Networks, ConfigurationShapesTheTower) {
  NetworkConfig small, wide;
  small.filters = 8;
  wide.filters = 16;
  const auto count = [](const NetworkConfig& c) {
    std::int64_t n = 0;
    for (const auto& p : EmbeddingNet(c)->parameters()) n += p.numel();
    return n;
  };
  EXPECT_GT(count(wide), 2 * count(small));  // conv weights grow with the square of the filters
  NetworkConfig noBatchNorm = small;
  noBatchNorm.batchNorm = false;
  bool hasBatchNorm = false;
  for (const auto& m : EmbeddingNet(noBatchNorm)->modules()) hasBatchNorm |= m->name().find("BatchNorm") != std::string::npos;
  EXPECT_FALSE(hasBatchNorm);
}

TEST(Networks, TwinBranchesShareOneSetOfWeights) {
  // A siamese model has exactly one branch: both faces of a pair go
  // through the same module, so their embeddings of one image agree.
  NetworkConfig config;
  config.inputSize = 32;
  config.blocks = 2;
  config.filters = 8;
  SiameseModel model = makeModel(config, /*kochHead=*/true);
  model.train(false);
  std::int64_t branch = 0;
  for (const auto& p : model.net->parameters()) branch += p.numel();
  std::int64_t all = 0;
  for (const auto& p : model.parameters()) all += p.numel();
  EXPECT_EQ(all, branch + config.embeddingSize + 1);  // + the Koch head's weights and bias
  const torch::Tensor image = torch::rand({1, 1, 32, 32});
  const torch::Tensor pair = model.net->forward(torch::cat({image, image}));
  EXPECT_TRUE(torch::allclose(pair[0], pair[1]));
}

TEST(Networks, ConfigValidationAndJsonRoundTrip) {
  NetworkConfig config;
  config.architecture = "resnet";
  config.embeddingSize = 77;
  config.dropout = 0.25;
  const NetworkConfig back = NetworkConfig::fromJson(config.toJson());
  EXPECT_EQ(back.architecture, "resnet");
  EXPECT_EQ(back.embeddingSize, 77);
  EXPECT_DOUBLE_EQ(back.dropout, 0.25);
  NetworkConfig bad;
  bad.kernel = 4;
  EXPECT_THROW(bad.validate(), Error);
  bad = NetworkConfig{};
  bad.inputSize = 32;
  bad.blocks = 6;
  EXPECT_THROW(bad.validate(), Error);
  EXPECT_THROW(NetworkConfig::fromJson("{not json"), Error);
}

TEST(Networks, SerialisedWeightsReloadAndMismatchesAreRefused) {
  NetworkConfig config;
  config.inputSize = 32;
  config.blocks = 2;
  config.filters = 8;
  SiameseModel a = makeModel(config, false);
  SiameseModel b = makeModel(config, false);
  deserializeModel(serializeModel(a), b);
  a.train(false);
  b.train(false);
  const torch::Tensor image = torch::rand({2, 1, 32, 32});
  EXPECT_TRUE(torch::allclose(a.net->forward(image), b.net->forward(image)));
  config.filters = 16;
  SiameseModel other = makeModel(config, false);
  EXPECT_THROW(deserializeModel(serializeModel(a), other), Error);
}

TEST(Networks, AResidualNetGoesOnAtAnotherInputSizeThatPoolsToTheSameGrid) {
  // `siamese train --init <a net of ours> --input-size N`: at 80 px and at
  // 96 px a 4-block residual net pools its last features to 4x4, so every
  // weight of the 80 px net fits the 96 px one and carries over unchanged.
  TrainConfig at80;
  at80.network.architecture = "resnet";
  at80.network.inputSize = 80;
  at80.network.channels = 3;
  at80.network.blocks = 4;
  at80.network.filters = 8;
  at80.network.embeddingSize = 16;
  TrainConfig at96 = at80;
  at96.resizeInput(96);
  EXPECT_EQ(at96.network.inputSize, 96);
  EXPECT_EQ(at96.network.pooledGrid(), 4);
  SiameseModel trained = makeModel(at80.network, false);
  SiameseModel larger = makeModel(at96.network, false);
  loadPretrained(serializeModel(trained), at80.network, false, larger);
  const auto trainedWeights = trained.net->named_parameters();
  for (const auto& weight : larger.net->named_parameters()) {
    const torch::Tensor* before = trainedWeights.find(weight.key());
    ASSERT_NE(before, nullptr) << weight.key();
    EXPECT_TRUE(torch::equal(*before, weight.value())) << weight.key();
  }
  larger.train(false);
  EXPECT_EQ(larger.net->forward(torch::rand({2, 3, 96, 96})).sizes(), (std::vector<std::int64_t>{2, 16}));

  // At 48 px the features would pool to 3x3, which the embedding layer
  // cannot read; the face tower's input is fixed. Both are refused, saying why.
  TrainConfig smaller = at80;
  const std::string grid = test::errorMessage([&] { smaller.resizeInput(48); });
  EXPECT_TRUE(test::contains(grid, "3x3") && test::contains(grid, "4x4")) << grid;
  EXPECT_EQ(smaller.network.inputSize, 80) << "a refused size leaves the configuration as it was";
  TrainConfig tower;
  tower.startFrom(NetworkConfig::dlibResNet());
  EXPECT_TRUE(test::contains(test::errorMessage([&] { tower.resizeInput(96); }), "face tower"));
}

TEST(WeightAverage, HoldsTheMeanOfTheModelsAddedAndSurvivesACheckpoint) {
  NetworkConfig config;
  config.architecture = "resnet";  // batch norms: running statistics and an integer step count
  config.inputSize = 32;
  config.blocks = 2;
  config.filters = 8;
  std::vector<SiameseModel> epochs;
  for (int i = 0; i < 3; ++i) epochs.push_back(makeModel(config, false));
  {
    // A frozen weight is the same in every epoch; give the step counts distinct values.
    torch::NoGradGuard noGrad;
    for (int i = 1; i < 3; ++i) epochs[std::size_t(i)].net->parameters()[0].copy_(epochs[0].net->parameters()[0]);
    for (int i = 0; i < 3; ++i) {
      for (torch::Tensor& buffer : epochs[std::size_t(i)].net->buffers()) {
        if (!buffer.is_floating_point()) buffer.fill_(10 * (i + 1));
      }
    }
  }
  WeightAverage average;
  for (const SiameseModel& m : epochs) average.add(m);
  EXPECT_EQ(average.count(), 3);
  SiameseModel mean = makeModel(config, false);
  average.copyInto(mean);

  const auto weightsOf = [](const SiameseModel& m) {
    std::vector<torch::Tensor> all = m.net->parameters();
    for (const torch::Tensor& b : m.net->buffers()) all.push_back(b);
    return all;
  };
  const std::vector<torch::Tensor> got = weightsOf(mean);
  const std::vector<torch::Tensor> a = weightsOf(epochs[0]), b = weightsOf(epochs[1]), c = weightsOf(epochs[2]);
  ASSERT_EQ(got.size(), a.size());
  int integerBuffers = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].is_floating_point()) {
      EXPECT_TRUE(torch::allclose(got[i], (a[i] + b[i] + c[i]) / 3, 1e-5, 1e-6)) << "tensor " << i;
    } else {
      EXPECT_EQ(got[i].item<std::int64_t>(), 30) << "an integer buffer takes the latest epoch's value";
      ++integerBuffers;
    }
  }
  EXPECT_GT(integerBuffers, 0);
  EXPECT_TRUE(torch::equal(got[0], a[0])) << "a weight equal in every epoch stays bit for bit";

  // Through a checkpoint: the same mean, and it goes on averaging.
  torch::serialize::OutputArchive out;
  average.save(out);
  std::stringstream bytes;
  out.save_to(bytes);
  torch::serialize::InputArchive in;
  in.load_from(bytes);
  WeightAverage restored;
  restored.load(in, mean, torch::kCPU);
  EXPECT_EQ(restored.count(), 3);
  SiameseModel again = makeModel(config, false);
  restored.copyInto(again);
  const std::vector<torch::Tensor> reread = weightsOf(again);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(torch::equal(reread[i], got[i])) << "tensor " << i;

  // A checkpoint written without an average leaves it empty.
  torch::serialize::OutputArchive plain;
  plain.write("x", c10::IValue(std::int64_t(1)));
  std::stringstream plainBytes;
  plain.save_to(plainBytes);
  torch::serialize::InputArchive plainIn;
  plainIn.load_from(plainBytes);
  restored.load(plainIn, mean, torch::kCPU);
  EXPECT_EQ(restored.count(), 0);
}

TEST(Losses, ContrastiveMatchesHandComputedValues) {
  // Same pair at d=0.3: 0.09. Different at d=0.4, margin 1: (0.6)^2 = 0.36.
  // Different at d=1.5: beyond the margin, 0. Mean = 0.45 / 3.
  const torch::Tensor loss = contrastiveLoss(t({0.3f, 0.4f, 1.5f}), t({1, 0, 0}), 1.0);
  EXPECT_NEAR(loss.item<double>(), 0.45 / 3, 1e-6);
}

TEST(Losses, KochBinaryCrossEntropyMatchesHandComputedValues) {
  // -[log σ(2)] for a same pair and -[log(1 - σ(-1))] for a different one.
  const double same = -std::log(1 / (1 + std::exp(-2.0)));
  const double different = -std::log(1 - 1 / (1 + std::exp(1.0)));
  const torch::Tensor loss = kochLoss(t({2.0f, -1.0f}), t({1, 0}));
  EXPECT_NEAR(loss.item<double>(), (same + different) / 2, 1e-6);
}

TEST(Losses, KochHeadIsAWeightedL1Distance) {
  KochHead head(3);
  torch::NoGradGuard guard;
  head->named_parameters()["weights.weight"].copy_(torch::tensor({{1.0f, 2.0f, -1.0f}}));
  head->named_parameters()["weights.bias"].fill_(0.5f);
  // |a - b| = (1, 0.5, 2) → 1 + 1 - 2 + 0.5 = 0.5
  const torch::Tensor logit = head->forward(torch::tensor({{1.0f, 1.0f, 0.0f}}), torch::tensor({{0.0f, 0.5f, 2.0f}}));
  EXPECT_NEAR(logit.item<double>(), 0.5, 1e-6);
}

TEST(Losses, TripletMatchesHandComputedValues) {
  const torch::Tensor anchor = torch::tensor({{0.0f, 0.0f}, {0.0f, 0.0f}});
  const torch::Tensor positive = torch::tensor({{3.0f, 4.0f}, {1.0f, 0.0f}});  // d = 5, 1
  const torch::Tensor negative = torch::tensor({{6.0f, 8.0f}, {0.0f, 0.5f}});  // d = 10, 0.5
  // max(0, 5 - 10 + 1) = 0; max(0, 1 - 0.5 + 1) = 1.5; mean 0.75
  EXPECT_NEAR(tripletLoss(anchor, positive, negative, 1.0).item<double>(), 0.75, 1e-5);
}

TEST(Losses, BatchHardPicksTheFarthestPositiveAndNearestNegative) {
  // Points on a line: person 0 at 0 and 1, person 1 at 1.5 and 4.
  const torch::Tensor e = torch::tensor({{0.0f}, {1.0f}, {1.5f}, {4.0f}});
  const torch::Tensor labels = torch::tensor({0, 0, 1, 1});
  // anchor 0: pos 1, neg 1.5 → 1 - 1.5 + 1 = 0.5
  // anchor 1: pos 1, neg 0.5 → 1.5
  // anchor 2: pos 2.5, neg 0.5 → 3
  // anchor 3: pos 2.5, neg 3 → 0.5
  EXPECT_NEAR(batchHardTripletLoss(e, labels, 1.0).item<double>(), (0.5 + 1.5 + 3 + 0.5) / 4, 1e-4);
}

TEST(Losses, BatchContrastiveWeighsSameAndDifferentPairsEqually) {
  const torch::Tensor e = torch::tensor({{0.0f}, {0.5f}, {2.0f}});
  const torch::Tensor labels = torch::tensor({0, 0, 1});
  // Same pairs (both orders): d = 0.5 → 0.25. Different: d = 2 and 1.5,
  // both beyond margin 1 → 0. Total 0.25 + 0.
  EXPECT_NEAR(batchContrastiveLoss(e, labels, 1.0).item<double>(), 0.25, 1e-4);
  // Margin 1.8: different terms (1.8-1.5)^2 = 0.09 and 0 → mean 0.045.
  EXPECT_NEAR(batchContrastiveLoss(e, labels, 1.8).item<double>(), 0.25 + 0.045, 1e-4);
}

TEST(Losses, PairwiseDistancesAreEuclidean) {
  const torch::Tensor e = torch::tensor({{0.0f, 0.0f}, {3.0f, 4.0f}});
  const torch::Tensor d = pairwiseDistances(e);
  EXPECT_NEAR(d[0][1].item<double>(), 5.0, 1e-4);
  EXPECT_NEAR(d[1][1].item<double>(), 0.0, 1e-4);
}

TEST(Tensors, CropsBecomeNormalisedChannelFirstBatches) {
  const std::uint8_t pixels[] = {0, 255, 127, 128, 10, 20, 30, 40};  // 2 crops, 2×2 grey
  const torch::Tensor x = toNetworkInput(packedCropsToFloat(pixels, 2, 2, 1, torch::kCPU), 2, 1, "unit-range");
  EXPECT_EQ(x.sizes(), (std::vector<std::int64_t>{2, 1, 2, 2}));
  EXPECT_NEAR(x[0][0][0][0].item<double>(), -1.0, 1e-6);
  EXPECT_NEAR(x[0][0][0][1].item<double>(), 1.0, 1e-6);
  const torch::Tensor resized = conformBatch(torch::zeros({1, 3, 8, 8}), 4, 1);
  EXPECT_EQ(resized.sizes(), (std::vector<std::int64_t>{1, 1, 4, 4}));
}

// A batch of distinct, asymmetric images in [-1, 1].
torch::Tensor rampImages(std::int64_t n) {
  torch::Tensor x = torch::linspace(-0.9, 0.9, 16).view({1, 1, 1, 16}).expand({n, 1, 16, 16}).clone();
  return x + torch::linspace(0, 0.05, n).view({n, 1, 1, 1});
}

TEST(Augmentation, OffLeavesTheBatchAndMirroringOnlyMirrors) {
  const torch::Tensor x = rampImages(64);
  AugmentConfig off;
  off.enabled = false;
  EXPECT_TRUE(torch::equal(augmentBatch(x, off, 1), x));

  AugmentConfig flipOnly;
  flipOnly.flip = true;
  flipOnly.rotateDegrees = flipOnly.scale = flipOnly.shift = flipOnly.brightness = flipOnly.contrast = 0;
  const torch::Tensor y = augmentBatch(x, flipOnly, 5);
  int mirrored = 0;
  for (std::int64_t i = 0; i < x.size(0); ++i) {
    const bool same = torch::equal(y[i], x[i]);
    const bool flipped = torch::equal(y[i], x[i].flip({2}));
    EXPECT_TRUE(same || flipped) << "image " << i << " is neither itself nor its mirror";
    mirrored += flipped ? 1 : 0;
  }
  EXPECT_GT(mirrored, 16) << "about half should be mirrored";
  EXPECT_LT(mirrored, 48);
}

TEST(Augmentation, GeometryAndLightingStayInRangeAndReplayFromTheSeed) {
  const torch::Tensor x = rampImages(32);
  AugmentConfig all;  // the defaults: every change on
  ASSERT_TRUE(all.enabled);
  const torch::Tensor a = augmentBatch(x, all, 11);
  torch::manual_seed(99);  // LibTorch's own generator plays no part
  torch::rand({7});
  const torch::Tensor b = augmentBatch(x, all, 11);
  EXPECT_TRUE(torch::equal(a, b)) << "a step's seed must replay its augmentation (resume depends on it)";
  EXPECT_FALSE(torch::equal(a, augmentBatch(x, all, 12))) << "another seed, other changes";
  EXPECT_EQ(a.sizes(), x.sizes());
  EXPECT_GE(a.min().item<float>(), -1.0f);
  EXPECT_LE(a.max().item<float>(), 1.0f);
  EXPECT_GT((a - x).abs().mean().item<float>(), 1e-3f) << "the batch was changed";

  AugmentConfig geometry;
  geometry.flip = false;
  geometry.brightness = geometry.contrast = 0;
  geometry.rotateDegrees = 10;
  const torch::Tensor g = augmentBatch(x, geometry, 3);
  // Bilinear sampling with border padding only mixes the image's own values.
  EXPECT_GE(g.min().item<float>(), x.min().item<float>() - 1e-5f);
  EXPECT_LE(g.max().item<float>(), x.max().item<float>() + 1e-5f);
  EXPECT_FALSE(torch::allclose(g, x)) << "rotation must move pixels";
}

}  // namespace
}  // namespace siamese
