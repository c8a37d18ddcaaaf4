// Which photos a training step sees: distillation needs no labels, so its
// batches draw distinct photos from every training photo, those of people
// with a single photo included, while the losses that compare people draw
// P people with at least two photos each.

#include <set>

#include "common/Error.h"
#include "data/FaceCache.h"
#include "support/TestSupport.h"
#include "train/detail/BatchSampler.h"

namespace siamese {
namespace {

/// A cache of tiny crops: `photos[p]` photos of person p.
FaceCache cacheOf(const test::ScratchDir& dir, const std::vector<int>& photos) {
  CacheSettings settings;
  settings.cropSize = 4;
  settings.detector = "none";
  std::vector<test::MadeUpFace> faces;
  for (std::size_t person = 0; person < photos.size(); ++person) {
    for (const test::MadeUpFace& face : test::photosOf({"p" + std::to_string(person)}, photos[person])) faces.push_back(face);
  }
  test::writeFlatFaceCache(dir.file("c.cache"), settings, faces);
  return FaceCache::load(dir.file("c.cache"));
}

TEST(BatchSampler, DistillationDrawsDistinctPhotosFromEveryTrainingPhotoSinglesIncluded) {
  test::ScratchDir dir;
  // Two people with three photos (faces 0-5), then six people with one (6-11).
  const FaceCache cache = cacheOf(dir, {3, 3, 1, 1, 1, 1, 1, 1});
  TrainData data;
  for (int i = 0; i < 12; ++i) data.trainFaces.push_back(i);
  data.validationPairs.push_back(Pair{0, 1, true});
  TrainConfig config;
  config.peoplePerBatch = 2;
  config.photosPerPerson = 3;

  config.loss = "distil";
  const detail::BatchSampler distil(cache, data, config);
  EXPECT_EQ(distil.stepsPerEpoch(), 2u) << "12 photos in batches of 6";
  std::set<int> seen;
  Rng rng(3);
  for (int step = 0; step < 40; ++step) {
    const detail::OnlineBatch batch = distil.online(rng);
    ASSERT_EQ(batch.faces.size(), 6u);
    EXPECT_EQ(std::set<int>(batch.faces.begin(), batch.faces.end()).size(), 6u) << "a photo twice in one batch";
    seen.insert(batch.faces.begin(), batch.faces.end());
  }
  EXPECT_EQ(seen.size(), 12u) << "some training photos are never drawn";

  // The contrastive loss compares people: only the two with several photos can serve.
  config.loss = "contrastive";
  const detail::BatchSampler contrastive(cache, data, config);
  std::set<int> compared;
  for (int step = 0; step < 40; ++step) {
    const detail::OnlineBatch batch = contrastive.online(rng);
    compared.insert(batch.faces.begin(), batch.faces.end());
  }
  EXPECT_EQ(compared, (std::set<int>{0, 1, 2, 3, 4, 5}));

  data.trainFaces.resize(5);
  config.loss = "distil";
  const std::string tooFew = test::errorMessage([&] { detail::BatchSampler(cache, data, config); });
  EXPECT_TRUE(test::contains(tooFew, "6 training photos; there are 5")) << tooFew;
}

}  // namespace
}  // namespace siamese
