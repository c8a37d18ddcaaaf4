// The shipped default model against values recorded when it was made: a
// change to the network code, the input scaling or the face preparation
// (detection, landmarks, alignment, crop) changes these embeddings and
// fails here before it quietly changes every figure in the model card.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "gallery/Enrolment.h"
#include "nn/Embedder.h"
#include "nn/ModelBundle.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

// A fixed 112×112 grey crop: smooth shading with a few edges, no detector
// or landmarks involved (the network and its input scaling alone).
// `phase` shifts the shading, for crops that differ.
Image patternCrop(double phase = 0) {
  Image crop(112, 112, 1);
  for (int y = 0; y < 112; ++y) {
    for (int x = 0; x < 112; ++x) {
      const double v = 128 + 60 * std::sin(x / 9.0 + phase) * std::cos(y / 13.0 - phase) + ((x / 28 + y / 28) % 2 ? 30 : -30);
      crop.row(y)[x] = std::uint8_t(std::clamp(v, 0.0, 255.0));
    }
  }
  return crop;
}

struct Recorded {
  const char* what;
  double values[4];  ///< the embedding's first four values
  double norm;       ///< the network ends in L2 normalisation
};

void expectRecorded(const Embedding& e, const Recorded& r) {
  double norm = 0;
  for (float v : e) norm += double(v) * v;
  norm = std::sqrt(norm);
  std::printf("%s: {%.5f, %.5f, %.5f, %.5f}, %.5f\n", r.what, e[0], e[1], e[2], e[3], norm);
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(e[std::size_t(k)], r.values[k], 2e-3) << r.what << " value " << k;
  EXPECT_NEAR(norm, r.norm, 2e-3) << r.what;
}

class DefaultModel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(test::defaultModel())) GTEST_SKIP() << "no " << test::defaultModel();
    m_embedder = Embedder::load(test::defaultModel(), DevicePreference::Cpu);
  }
  std::unique_ptr<Embedder> m_embedder;
};

TEST_F(DefaultModel, BundleIsTheOneTheModelCardDescribes) {
  const BundleMetadata& m = m_embedder->metadata();
  EXPECT_EQ(m.modelId, "23a9ac2b2e948538");
  EXPECT_EQ(m.input.cropSize, 112);
  EXPECT_EQ(m.input.size, 64);
  EXPECT_EQ(m.input.channels, 1);
  EXPECT_FLOAT_EQ(m.input.padding, 0.1f);
  EXPECT_NEAR(m.threshold.value, 0.5973, 1e-4);
  EXPECT_EQ(m.distance, "euclidean");
}

TEST_F(DefaultModel, FixedCropGivesTheRecordedEmbedding) {
  expectRecorded(m_embedder->embed({patternCrop()}).front(), {"pattern", {0.06919, 0.11010, -0.00185, -0.00286}, 1.0});
}

TEST_F(DefaultModel, PreparedPhotosGiveTheRecordedEmbeddingsAndDistances) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  FacePreparer preparer(prepareOptionsForModel(m_embedder->metadata()), true);
  std::vector<Image> crops;
  for (const auto& [person, number] : {std::pair{"Abdullah_Gul", 13}, {"Abdullah_Gul", 14}, {"Colin_Powell", 1}}) {
    const PreparedFace face = preparer.prepare(loadImage(test::lfwPhoto(person, number)));
    ASSERT_TRUE(face.ok && face.face.aligned) << person << " " << number;
    crops.push_back(face.face.crop);
  }
  const auto e = m_embedder->embed(crops);
  expectRecorded(e[0], {"Abdullah_Gul_0013", {0.06499, 0.08451, -0.03935, 0.05254}, 1.0});
  expectRecorded(e[1], {"Abdullah_Gul_0014", {0.07421, 0.09542, -0.04124, 0.06285}, 1.0});
  expectRecorded(e[2], {"Colin_Powell_0001", {0.06968, 0.07692, -0.20446, -0.20713}, 1.0});
  const double same = m_embedder->distance(e[0], e[1]);
  const double different = m_embedder->distance(e[0], e[2]);
  std::printf("same %.5f different %.5f\n", same, different);
  EXPECT_NEAR(same, 0.23605, 2e-3);
  EXPECT_NEAR(different, 1.14635, 2e-3);
}

TEST_F(DefaultModel, ABatchSplitBetweenThreadsGivesEveryCropItsOwnEmbeddingInOrder) {
  // On two threads a batch may be cut in two, one half on a helper thread:
  // each crop must get the embedding it gets alone, in its own place. 129
  // crops run as 128 cut in two, then a single crop that is not.
  configureTorchThreads(2);
  m_embedder->setBatchSplitBetweenThreads(true);
  for (const int count : {9, 129}) {
    std::vector<Image> crops;
    for (int k = 0; k < count; ++k) crops.push_back(patternCrop(0.7 * k));
    const std::vector<Embedding> batch = m_embedder->embed(crops);
    ASSERT_EQ(batch.size(), crops.size());
    double nearestOther = 1e9;
    for (std::size_t k = 0; k < crops.size(); ++k) {
      const Embedding alone = m_embedder->embed({crops[k]}).front();
      EXPECT_LT(m_embedder->distance(batch[k], alone), 1e-4) << "crop " << k << " of " << count;
      if (k > 0) nearestOther = std::min(nearestOther, m_embedder->distance(batch[k], batch[k - 1]));
    }
    // The crops differ enough that one put in another's place would show.
    EXPECT_GT(nearestOther, 0.01) << count << " crops";
  }
  configureTorchThreads(0);
}

TEST_F(DefaultModel, MirrorAveragingMakesTheEmbeddingBlindToMirroring) {
  // The default bundle with mirror averaging switched on (as `siamese model
  // --mirror-average on` does): a crop and its mirror image must then give
  // one embedding, still of unit length, and the bundle a new id.
  test::ScratchDir dir;
  BundleFile bundle = readBundle(test::defaultModel());
  bundle.metadata.input.mirrorAverage = true;
  writeBundle(dir.file("mirror.siamese"), bundle);
  auto mirrored = Embedder::load(dir.file("mirror.siamese"), DevicePreference::Cpu);
  EXPECT_NE(mirrored->metadata().modelId, m_embedder->metadata().modelId);

  const Image crop = patternCrop();
  Image flipped(crop.width(), crop.height(), 1);
  for (int y = 0; y < crop.height(); ++y) {
    for (int x = 0; x < crop.width(); ++x) flipped.row(y)[x] = crop.row(y)[crop.width() - 1 - x];
  }
  const auto e = mirrored->embed({crop, flipped});
  double norm = 0;
  for (float v : e[0]) norm += double(v) * v;
  EXPECT_NEAR(std::sqrt(norm), 1.0, 1e-4);
  EXPECT_LT(test::euclideanDistance(e[0], e[1]), 1e-4);
  // Without averaging the two differ: the pattern is not symmetric.
  const auto plain = m_embedder->embed({crop, flipped});
  EXPECT_GT(test::euclideanDistance(plain[0], plain[1]), 0.05);
  EXPECT_GT(test::euclideanDistance(e[0], plain[0]), 1e-3);
}

}  // namespace
}  // namespace siamese
