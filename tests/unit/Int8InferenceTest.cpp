// 8-bit integer inference of our residual nets: calibrated on some photos
// (each activation's whole range, or the range of least squared error), it
// embeds other photos as the float network does (the distances between
// them correlate with the float ones, the same on average); a calibration that does not
// fit the network, or a network that cannot run in integers, is refused.
// bfloat16 inference, which needs no calibration, is checked the same way.

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "common/Error.h"
#include "eval/EmbeddingAgreement.h"
#include "nn/BFloat16Inference.h"
#include "nn/Embedder.h"
#include "nn/Int8Inference.h"
#include "nn/detail/Int8ResidualNet.h"
#include "nn/detail/ModelIo.h"
#include "nn/detail/Networks.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

/// A residual net shaped like the distilled student (smaller), its batch
/// norms given the statistics training leaves (a fresh network's are the
/// identity, and would leave the folded convolutions as they were).
BundleFile studentLikeBundle(bool mirrorAverage) {
  BundleFile bundle;
  NetworkConfig& config = bundle.metadata.network;
  config.architecture = "resnet";
  config.inputSize = 80;
  config.channels = 3;
  config.blocks = 4;
  config.filters = 16;
  config.embeddingSize = 32;
  config.dropout = 0;
  bundle.metadata.input.size = 80;
  bundle.metadata.input.cropSize = 250;
  bundle.metadata.input.channels = 3;
  bundle.metadata.input.mirrorAverage = mirrorAverage;
  torch::manual_seed(5);
  detail::SiameseModel model = detail::makeModel(config, false);
  torch::NoGradGuard noGrad;
  for (const auto& item : model.net->named_buffers()) {
    torch::Tensor buffer = item.value();
    if (item.key().find("running_mean") != std::string::npos) buffer.copy_(torch::randn_like(buffer) * 0.1);
    if (item.key().find("running_var") != std::string::npos) buffer.copy_(torch::rand_like(buffer) + 0.5);
  }
  bundle.weights = detail::serializeModel(model);
  return bundle;
}

/// The first photo of each of `count` LFW people, in folder order from `skip`.
std::vector<Image> lfwPhotos(std::size_t skip, std::size_t count) {
  std::vector<std::string> people;
  for (const auto& entry : std::filesystem::directory_iterator(test::data("lfw/images"))) {
    people.push_back(entry.path().filename().string());
  }
  std::sort(people.begin(), people.end());
  std::vector<Image> photos;
  for (std::size_t i = skip; i < skip + count; ++i) photos.push_back(loadImage(test::lfwPhoto(people.at(i), 1)));
  return photos;
}

std::vector<std::uint8_t> packed(const std::vector<Image>& photos) {
  std::vector<std::uint8_t> bytes;
  for (const Image& photo : photos) {
    const std::size_t rowBytes = std::size_t(photo.width()) * photo.channels();
    for (int y = 0; y < photo.height(); ++y) bytes.insert(bytes.end(), photo.row(y), photo.row(y) + rowBytes);
  }
  return bytes;
}

TEST(Int8Inference, EmbedsPhotosItWasNotCalibratedOnAsTheFloatNetworkDoes) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  if (!int8Unsupported(studentLikeBundle(false).metadata.network).empty()) GTEST_SKIP() << "no integer engine here";
  const std::vector<Image> calibration = lfwPhotos(0, 16), probes = lfwPhotos(100, 12);
  const std::vector<std::uint8_t> bytes = packed(calibration);
  for (const Int8Ranges method : {Int8Ranges::MinMax, Int8Ranges::LeastSquares}) {
    for (const bool mirror : {false, true}) {
      BundleFile bundle = studentLikeBundle(mirror);
      bundle.metadata.int8 = calibrateInt8(bundle, bytes.data(), calibration.size(), 250, 3, "16 LFW photos", method);
      // The input, the stem, and 3 or 4 activations in each of 4 blocks.
      EXPECT_GE(bundle.metadata.int8.ranges.size(), 2u * (2 + 4 * 3));
      EXPECT_EQ(bundle.metadata.int8.crops, 16);
      EXPECT_EQ(bundle.metadata.int8.rangesFrom, int8RangesName(method));

      const auto integers = Embedder::fromBundle(bundle, DevicePreference::Cpu);
      BundleFile floatBundle = bundle;
      floatBundle.metadata.int8 = {};
      const auto floats = Embedder::fromBundle(floatBundle, DevicePreference::Cpu);
      EXPECT_EQ(integers->precision(), "int8");
      EXPECT_EQ(floats->precision(), "float32");

      const std::vector<Embedding> a = integers->embed(probes), b = floats->embed(probes);
      ASSERT_EQ(a.size(), probes.size());
      const EmbeddingAgreement agreement = compareEmbeddings(a, b);
      std::printf("%s, mirror %d: %s\n", int8RangesName(method).c_str(), int(mirror), describeAgreement(agreement).c_str());
      // A wrong scale or zero point anywhere (block outputs clipped at half
      // their range, tried) brings the correlation under 0.85 and the mean
      // distance 18% off.
      EXPECT_GT(agreement.distanceCorrelation, 0.95);
      const double meanIntegers = compareEmbeddings(a, a).meanPairDistance;
      EXPECT_NEAR(meanIntegers, agreement.meanPairDistance, 0.05 * agreement.meanPairDistance);
    }
  }
}

TEST(Int8Inference, TheRangeOfLeastSquaredErrorClipsFarOutliersOnly) {
  // Values spread evenly over [0, 1]: any clipping costs more than it saves.
  std::vector<double> even(1000, 100.0);
  auto [low, high] = detail::leastSquaresRange(0, 1, even);
  EXPECT_FLOAT_EQ(low, 0.0f);
  EXPECT_FLOAT_EQ(high, 1.0f);
  // Ten million values in [0, 1] and one far outlier at 100: steps of
  // 100/255 would cost every value (128,000 in all), clipping the outlier
  // at 5 costs it 9,000 and the rest 320.
  std::vector<double> withOutliers(1000, 0.0);
  for (std::size_t k = 0; k < 10; ++k) withOutliers[k] = 1e6;  // [0, 1]: the first ten bins of [0, 100]
  withOutliers.back() = 1;
  std::tie(low, high) = detail::leastSquaresRange(0, 100, withOutliers);
  EXPECT_FLOAT_EQ(low, 0.0f);
  EXPECT_GT(high, 1.0f);
  EXPECT_LT(high, 10.0f) << "the outliers kept coarsening the steps";
  // A signed activation keeps zero inside and shrinks both ends together.
  std::vector<double> signedValues(1000, 100.0);
  signedValues.front() = signedValues.back() = 1;
  std::tie(low, high) = detail::leastSquaresRange(-50, 50, signedValues);
  EXPECT_LT(low, 0.0f);
  EXPECT_GT(high, 0.0f);
  EXPECT_NEAR(low, -high, 1e-4);
}

TEST(Int8Inference, LeastSquaresRangesClipSomeActivationsAndNeverWidenOne) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  if (!int8Unsupported(studentLikeBundle(false).metadata.network).empty()) GTEST_SKIP() << "no integer engine here";
  const BundleFile bundle = studentLikeBundle(false);
  const std::vector<Image> calibration = lfwPhotos(0, 16);
  const std::vector<std::uint8_t> bytes = packed(calibration);
  const std::vector<float> whole = calibrateInt8(bundle, bytes.data(), 16, 250, 3, "", Int8Ranges::MinMax).ranges;
  const std::vector<float> chosen = calibrateInt8(bundle, bytes.data(), 16, 250, 3, "", Int8Ranges::LeastSquares).ranges;
  ASSERT_EQ(whole.size(), chosen.size());
  int narrowed = 0;
  for (std::size_t i = 0; i < whole.size(); i += 2) {
    // Zero stays inside (the ReLU's floor and the padding are exact).
    EXPECT_LE(chosen[i], 0.0f) << "activation " << i / 2;
    EXPECT_GE(chosen[i + 1], 0.0f) << "activation " << i / 2;
    EXPECT_GE(chosen[i], std::min(0.0f, whole[i]) - 1e-6f) << "activation " << i / 2;
    EXPECT_LE(chosen[i + 1], std::max(0.0f, whole[i + 1]) + 1e-6f) << "activation " << i / 2;
    if (chosen[i + 1] - chosen[i] < 0.99f * (std::max(0.0f, whole[i + 1]) - std::min(0.0f, whole[i]))) ++narrowed;
  }
  // Activations after a ReLU have long tails: the range that costs least
  // clips some of them.
  EXPECT_GT(narrowed, 0);
  EXPECT_EQ(parseInt8Ranges("least-squares"), Int8Ranges::LeastSquares);
  const std::string message = test::errorMessage([] { parseInt8Ranges("percentile"); });
  EXPECT_TRUE(test::contains(message, "'percentile'")) << message;
}

TEST(Int8Inference, ABatchCutBetweenTwoThreadsGivesEveryPhotoItsOwnEmbeddingInOrder) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  if (!int8Unsupported(studentLikeBundle(false).metadata.network).empty()) GTEST_SKIP() << "no integer engine here";
  BundleFile bundle = studentLikeBundle(true);
  const std::vector<Image> calibration = lfwPhotos(0, 8), probes = lfwPhotos(200, 9);
  const std::vector<std::uint8_t> bytes = packed(calibration);
  bundle.metadata.int8 = calibrateInt8(bundle, bytes.data(), calibration.size(), 250, 3, "8 LFW photos");
  const auto embedder = Embedder::fromBundle(bundle, DevicePreference::Cpu);
  // In integers the cut is the default (two threads each on one layer ran slower).
  EXPECT_TRUE(embedder->batchSplitBetweenThreads());
  const int threadsBefore = torch::get_num_threads();
  configureTorchThreads(2);
  const std::vector<Embedding> together = embedder->embed(probes);
  configureTorchThreads(threadsBefore);
  ASSERT_EQ(together.size(), probes.size());
  for (std::size_t i = 0; i < probes.size(); ++i) {
    const Embedding alone = embedder->embed({probes[i]}).at(0);
    // Static scales make a photo's integers independent of its batch.
    EXPECT_LT(test::euclideanDistance(together[i], alone), 1e-5) << "photo " << i;
    if (i > 0) {
      EXPECT_GT(test::euclideanDistance(together[i], together[i - 1]), 1e-3) << "photo " << i;
    }
  }
}

TEST(Int8Inference, TheLastBlocksSumAndThePoolingRunInFloat) {
  // The features go straight into the embedding layer, so the last block's
  // sum is not rounded to 256 levels: squeezing its measured range to
  // nothing changes no embedding. With that sum in integers (as before
  // 2026-12-06) every feature was clipped to zero, and this fails.
  SIAMESE_REQUIRE_DATA("lfw/images");
  if (!int8Unsupported(studentLikeBundle(false).metadata.network).empty()) GTEST_SKIP() << "no integer engine here";
  const std::vector<Image> calibration = lfwPhotos(0, 8), probes = lfwPhotos(100, 4);
  const std::vector<std::uint8_t> bytes = packed(calibration);
  BundleFile bundle = studentLikeBundle(false);
  bundle.metadata.int8 = calibrateInt8(bundle, bytes.data(), calibration.size(), 250, 3, "8 LFW photos");
  BundleFile squeezed = bundle;
  std::vector<float>& ranges = squeezed.metadata.int8.ranges;
  ranges[ranges.size() - 2] = 0;  // the last block's output: the last pair
  ranges[ranges.size() - 1] = 1e-6f;
  const std::vector<Embedding> a = Embedder::fromBundle(bundle, DevicePreference::Cpu)->embed(probes);
  const std::vector<Embedding> b = Embedder::fromBundle(squeezed, DevicePreference::Cpu)->embed(probes);
  for (std::size_t i = 0; i < probes.size(); ++i) EXPECT_EQ(a[i], b[i]) << "photo " << i;
}

TEST(Int8Inference, BiasCorrectionTakesOffTheShiftThatRoundingTheWeightsGives) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  if (!int8Unsupported(studentLikeBundle(false).metadata.network).empty()) GTEST_SKIP() << "no integer engine here";
  BundleFile bundle = studentLikeBundle(false);
  {
    // Every weight of a channel 0.4 of a level above one of the levels that
    // its largest weight (doubled) sets: all round down by as much, and
    // since the activations they weigh are all ≥ 0 (after a ReLU), the
    // channel's output falls by much the same amount everywhere. Trained
    // networks drift the same way, by less.
    detail::SiameseModel model = detail::makeModel(bundle.metadata.network, false);
    detail::deserializeModel(bundle.weights, model);
    torch::NoGradGuard noGrad;
    for (const auto& item : model.net->named_parameters()) {
      torch::Tensor weight = item.value();
      if (weight.dim() != 4) continue;
      const torch::Tensor largest = weight.abs().amax({1, 2, 3}, true) * 2, level = largest / 127;
      weight.copy_(torch::round(weight / level) * level + 0.4 * level);
      weight.select(1, 0).select(1, 0).select(1, 0).copy_(largest.flatten());
    }
    bundle.weights = detail::serializeModel(model);
  }
  const std::vector<Image> calibration = lfwPhotos(0, 16), probes = lfwPhotos(100, 12);
  const std::vector<std::uint8_t> bytes = packed(calibration);
  bundle.metadata.int8 = calibrateInt8(bundle, bytes.data(), calibration.size(), 250, 3, "16 LFW photos");
  ASSERT_FALSE(bundle.metadata.int8.biasCorrections.empty());
  BundleFile uncorrected = bundle, floats = bundle;
  uncorrected.metadata.int8.biasCorrections.clear();
  floats.metadata.int8 = {};
  const std::vector<Embedding> truth = Embedder::fromBundle(floats, DevicePreference::Cpu)->embed(probes);
  const EmbeddingAgreement with =
      compareEmbeddings(Embedder::fromBundle(bundle, DevicePreference::Cpu)->embed(probes), truth);
  const EmbeddingAgreement without =
      compareEmbeddings(Embedder::fromBundle(uncorrected, DevicePreference::Cpu)->embed(probes), truth);
  std::printf("corrected: %s\nuncorrected: %s\n", describeAgreement(with).c_str(), describeAgreement(without).c_str());
  // Photos the calibration never saw: a correction of the wrong sign, or
  // none, leaves them further from the float embeddings.
  EXPECT_LT(with.meanShift, 0.8 * without.meanShift);

  // A model trained through the rounding learnt its biases against it: no correction.
  BundleFile trainedRounding = bundle;
  trainedRounding.metadata.training.configJson = R"({"loss": "distil", "quantization_aware": true})";
  EXPECT_TRUE(calibrateInt8(trainedRounding, bytes.data(), calibration.size(), 250, 3, "16 LFW photos")
                  .biasCorrections.empty());

  BundleFile misfit = bundle;
  misfit.metadata.int8.biasCorrections.pop_back();
  const std::string message = test::errorMessage([&] { Embedder::fromBundle(misfit, DevicePreference::Cpu, "m.siamese"); });
  EXPECT_TRUE(test::contains(message, "bias corrections")) << message;
}

TEST(Int8Inference, ANetworkTrainingForIntegersRoundsAsTheIntegerNetworkDoes) {
  // Quantization-aware training rounds in float32 what 8-bit inference
  // rounds, with the batch norms unfolded: its embeddings must be those of
  // the integer network, up to the odd value that lands on the other side
  // of a level, and much nearer to them than the float network's.
  SIAMESE_REQUIRE_DATA("lfw/images");
  if (!int8Unsupported(studentLikeBundle(false).metadata.network).empty()) GTEST_SKIP() << "no integer engine here";
  const std::vector<Image> calibration = lfwPhotos(0, 16), probes = lfwPhotos(100, 12);
  const std::vector<std::uint8_t> bytes = packed(calibration), probeBytes = packed(probes);
  BundleFile bundle = studentLikeBundle(false);
  bundle.metadata.int8 = calibrateInt8(bundle, bytes.data(), calibration.size(), 250, 3, "16 LFW photos");
  bundle.metadata.int8.biasCorrections.clear();  // training rounds the weights as they are
  const std::vector<Embedding> integers = Embedder::fromBundle(bundle, DevicePreference::Cpu)->embed(probes);

  detail::SiameseModel model = detail::makeModel(bundle.metadata.network, false);
  detail::deserializeModel(bundle.weights, model);
  model.train(false);
  torch::InferenceMode inference;
  const InputSpec& in = bundle.metadata.input;
  const torch::Tensor input = detail::toNetworkInput(
      detail::packedCropsToFloat(probeBytes.data(), probes.size(), 250, 3, torch::kCPU), in.size, in.channels, in.normalization);
  const auto rows = [](const torch::Tensor& t) {
    std::vector<Embedding> out;
    const torch::Tensor c = t.contiguous();
    for (std::int64_t i = 0; i < c.size(0); ++i) out.emplace_back(c[i].data_ptr<float>(), c[i].data_ptr<float>() + c.size(1));
    return out;
  };
  const std::vector<Embedding> floats = rows(model.net->forward(input));
  model.net->setInt8Rounding(bundle.metadata.int8.ranges);
  const std::vector<Embedding> rounded = rows(model.net->forward(input));

  const EmbeddingAgreement roundedAgreement = compareEmbeddings(rounded, integers);
  const EmbeddingAgreement floatAgreement = compareEmbeddings(floats, integers);
  std::printf("rounded in float32: %s\nfloat32: %s\n", describeAgreement(roundedAgreement).c_str(),
              describeAgreement(floatAgreement).c_str());
  EXPECT_LT(roundedAgreement.meanShift, 0.25 * floatAgreement.meanShift);
}

TEST(Int8Inference, ACalibrationThatDoesNotFitTheNetworkIsRefused) {
  if (!int8Unsupported(studentLikeBundle(false).metadata.network).empty()) GTEST_SKIP() << "no integer engine here";
  BundleFile bundle = studentLikeBundle(false);
  bundle.metadata.int8.ranges = {0, 1, 0, 2, 0, 3, 0, 4};
  const std::string message = test::errorMessage([&] { Embedder::fromBundle(bundle, DevicePreference::Cpu, "m.siamese"); });
  EXPECT_TRUE(test::contains(message, "m.siamese")) << message;
  EXPECT_TRUE(test::contains(message, "calibrate it again")) << message;
}

TEST(Int8Inference, OnlyResidualNetsOfOursRunInIntegers) {
  BundleFile bundle = studentLikeBundle(false);
  bundle.metadata.network.architecture = "convnet";
  EXPECT_FALSE(int8Unsupported(bundle.metadata.network).empty());
  const std::uint8_t pixel[3] = {1, 2, 3};
  const std::string message = test::errorMessage([&] { calibrateInt8(bundle, pixel, 1, 1, 3, "one pixel"); });
  EXPECT_TRUE(test::contains(message, "residual net")) << message;
}

TEST(BFloat16Inference, EmbedsAsFloat32DoesWhereTheCpuComputesItAndIsFloat32Elsewhere) {
  // The student-like net and, when it is installed, the face tower: each
  // bundle in bfloat16 against itself in float32 on photos of 12 people.
  SIAMESE_REQUIRE_DATA("lfw/images");
  const std::vector<Image> probes = lfwPhotos(100, 12);
  // Each with the share of the distance between photos an embedding may
  // move: the untrained net's photos lie close together (0.03 apart).
  struct Case {
    std::string name;
    BundleFile bundle;
    double largestShare;
  };
  // Without mirror averaging the embedding is the network's own output,
  // normalised once more in float32 (the unit-length check below).
  std::vector<Case> cases = {{"student-like", studentLikeBundle(true), 0.15},
                             {"student-like without mirror averaging", studentLikeBundle(false), 0.15}};
  if (std::filesystem::exists(test::faceTower())) cases.push_back({"face tower", readBundle(test::faceTower()), 0.03});
  for (const auto& [name, bundle, largestShare] : cases) {
    BundleFile halves = bundle;
    halves.metadata.bfloat16 = true;
    const auto inBFloat16 = Embedder::fromBundle(halves, DevicePreference::Cpu);
    const auto inFloat32 = Embedder::fromBundle(bundle, DevicePreference::Cpu);
    const std::vector<Embedding> a = inBFloat16->embed(probes), b = inFloat32->embed(probes);
    ASSERT_EQ(a.size(), probes.size());
    if (!cpuComputesBFloat16()) {
      EXPECT_EQ(inBFloat16->precision(), "float32") << "emulated bfloat16 is slower than float32";
      EXPECT_EQ(a, b);
      continue;
    }
    EXPECT_EQ(inBFloat16->precision(), "bfloat16");
    const EmbeddingAgreement agreement = compareEmbeddings(a, b);
    std::printf("%s: %s\n", name.c_str(), describeAgreement(agreement).c_str());
    // It did run in bfloat16 (its embeddings are not float32's), and the
    // embeddings stay put: 8 bits of mantissa move them far less than the
    // distances between people. Measured: the student-like net moves 0.0029
    // with different photos 0.032 apart, its distances correlating 0.9988
    // (in 8-bit integers 0.9977-0.9981); the tower 0.0088 with photos 0.49
    // apart, 0.99963.
    EXPECT_GT(agreement.meanShift, 0.0);
    EXPECT_LT(agreement.meanShift, largestShare * agreement.meanPairDistance);
    EXPECT_GT(agreement.distanceCorrelation, 0.995);
    // Unit length to float32's precision (bfloat16 keeps 3 digits).
    if (bundle.metadata.network.l2Normalize) {
      for (const Embedding& e : a) EXPECT_NEAR(std::sqrt(std::inner_product(e.begin(), e.end(), e.begin(), 0.0)), 1.0, 1e-5);
    }
  }
}

}  // namespace
}  // namespace siamese
