// Corrections ("this face is not X"): how the gallery keeps them (apart from
// reference photos, undoable, through a reopen and an export/import), how
// the matcher uses them (the person is vetoed for faces nearer a rejected
// face than to their photos), calibration counting them as impostor pairs,
// and online batches always carrying one as a hard negative.

#include <algorithm>
#include <set>

#include "common/Error.h"
#include "data/FaceCache.h"
#include "gallery/GalleryArchive.h"
#include "gallery/GalleryStore.h"
#include "gallery/Matcher.h"
#include "gallery/ThresholdCalibration.h"
#include "support/TestSupport.h"
#include "train/detail/BatchSampler.h"

namespace siamese {
namespace {

using test::contains;
using test::errorMessage;

Image crop(std::uint8_t value) {
  Image image(8, 8, 1);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) image.row(y)[x] = std::uint8_t(value + x + y);
  return image;
}

std::vector<std::uint8_t> bytes(std::uint8_t value) { return {value, std::uint8_t(value + 1), 7}; }

// Ada has photos 1 and 2 at (0,0) and (1,0); Bob one at (5,5). A stranger's
// face at (3,0) was rejected as Ada.
struct Gallery {
  explicit Gallery(const std::string& path) : store(path) {
    ada = store.addPerson("Ada");
    bob = store.addPerson("Bob");
    const auto a1 = *store.addPhoto(ada, "ada1.jpg", bytes(1), crop(1), true);
    const auto a2 = *store.addPhoto(ada, "ada2.jpg", bytes(2), crop(2), true);
    const auto b1 = *store.addPhoto(bob, "bob1.jpg", bytes(3), crop(3), true);
    store.setEmbedding(a1, "m", {0, 0});
    store.setEmbedding(a2, "m", {1, 0});
    store.setEmbedding(b1, "m", {5, 5});
    stranger = store.addRejection(ada, "frame 12 of camera 0", bytes(9), crop(9), true);
    store.setEmbedding(stranger, "m", {3, 0});
  }
  GalleryStore store;
  std::int64_t ada = 0, bob = 0, stranger = 0;
};

std::string nameFor(const GalleryStore& store, const std::vector<float>& query, double threshold) {
  const GalleryMatcher matcher(store.embeddings("m"), test::euclideanDistance, SearchOptions{},
                               store.rejectionEmbeddings("m"));
  const MatchResult result = matcher.match(query, threshold);
  if (!result.known) return "unknown";
  for (const GalleryPerson& p : store.people())
    if (p.id == result.best()->personId) return p.name;
  return "?";
}

TEST(GalleryCorrections, ARejectedFaceIsKeptApartFromTheReferencePhotos) {
  test::ScratchDir dir;
  Gallery g(dir.file("g.db"));
  GalleryStore& store = g.store;
  EXPECT_EQ(store.findPerson("Ada")->photoCount, 2);  // the rejected face is not her photo
  EXPECT_EQ(store.photosOf(g.ada).size(), 2u);
  EXPECT_EQ(store.embeddings("m").size(), 3u);
  const auto rejected = store.rejectionEmbeddings("m");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].personId, g.ada);
  EXPECT_EQ(rejected[0].vector, (std::vector<float>{3, 0}));
  const auto corrections = store.corrections();
  ASSERT_EQ(corrections.size(), 1u);
  EXPECT_EQ(corrections[0].personName, "Ada");
  EXPECT_EQ(corrections[0].sourceName, "frame 12 of camera 0");
  EXPECT_FALSE(corrections[0].wasReference);
  // Enrolling the rejected bytes as Ada is refused, naming the correction.
  const std::string refused = errorMessage([&] { store.addPhoto(g.ada, "again.jpg", bytes(9), crop(9), true); });
  EXPECT_TRUE(contains(refused, "marked as not Ada")) << refused;
  // Rejecting it again changes nothing.
  EXPECT_EQ(store.addRejection(g.ada, "again", bytes(9), crop(9), true), g.stranger);
  EXPECT_EQ(store.corrections().size(), 1u);
}

TEST(GalleryCorrections, TakingBackAReferencePhotoIsUndoneAndAFaceIsForgotten) {
  test::ScratchDir dir;
  Gallery g(dir.file("g.db"));
  GalleryStore& store = g.store;
  const std::int64_t taken = store.photosOf(g.ada)[1].id;
  store.rejectPhoto(taken);
  EXPECT_EQ(store.photosOf(g.ada).size(), 1u);
  EXPECT_EQ(store.rejectionEmbeddings("m").size(), 2u);
  ASSERT_EQ(store.corrections().size(), 2u);
  EXPECT_TRUE(store.corrections()[0].wasReference);  // ordered by photo id
  EXPECT_THROW(store.rejectPhoto(taken), Error);     // no longer a reference photo

  store.undoCorrection(taken);
  EXPECT_EQ(store.photosOf(g.ada).size(), 2u);  // restored, with its embedding
  EXPECT_EQ(store.embeddings("m").size(), 3u);
  store.undoCorrection(g.stranger);
  EXPECT_TRUE(store.corrections().empty());
  EXPECT_TRUE(store.rejectionEmbeddings("m").empty());
  const std::string missing = errorMessage([&] { store.undoCorrection(g.stranger); });
  EXPECT_TRUE(contains(missing, "no correction with id")) << missing;
  // A reference photo rejected by its bytes is taken back, not duplicated.
  const std::int64_t first = store.photosOf(g.ada)[0].id;
  EXPECT_EQ(store.addRejection(g.ada, "ada1 again", bytes(1), crop(1), true), first);
  EXPECT_EQ(store.photosOf(g.ada).size(), 1u);
  EXPECT_TRUE(store.corrections()[0].wasReference);
}

TEST(GalleryCorrections, TheMatcherNeverNamesARejectedFaceOrOneNearerToItAsThatPerson) {
  test::ScratchDir dir;
  Gallery g(dir.file("g.db"));
  // Without the correction, (3,0) and (2.8,0) are nearest Ada (distances 2, 1.8).
  const GalleryMatcher plain(g.store.embeddings("m"), test::euclideanDistance);
  EXPECT_EQ(plain.match({3, 0}, 10).best()->personId, g.ada);
  // With it, Ada is vetoed for both; they fall back to Bob (or unknown at a stricter threshold).
  EXPECT_EQ(nameFor(g.store, {3, 0}, 10), "Bob");
  EXPECT_EQ(nameFor(g.store, {2.8f, 0}, 10), "Bob");
  EXPECT_EQ(nameFor(g.store, {2.8f, 0}, 2.5), "unknown");
  // A face nearer Ada's photos than the rejected face is still hers.
  EXPECT_EQ(nameFor(g.store, {1.5f, 0}, 10), "Ada");
  const GalleryMatcher matcher(g.store.embeddings("m"), test::euclideanDistance, SearchOptions{},
                               g.store.rejectionEmbeddings("m"));
  const MatchResult vetoed = matcher.match({3, 0}, 10);
  ASSERT_EQ(vetoed.vetoed.size(), 1u);
  EXPECT_EQ(vetoed.vetoed[0].personId, g.ada);
  EXPECT_EQ(vetoed.vetoed[0].photoId, g.stranger);
  EXPECT_NEAR(vetoed.vetoed[0].distance, 0.0, 1e-9);
  ASSERT_EQ(vetoed.ranked.size(), 1u);  // only Bob is left to rank
}

TEST(GalleryCorrections, CorrectionsSurviveReopeningAndAnExportImport) {
  test::ScratchDir dir;
  { Gallery g(dir.file("g.db")); }
  GalleryStore reopened(dir.file("g.db"));
  EXPECT_EQ(nameFor(reopened, {3, 0}, 10), "Bob");
  exportGallery(reopened, dir.file("g.archive"), "m");
  GalleryStore other(dir.file("other.db"));
  const ImportSummary summary = importGallery(other, dir.file("g.archive"));
  EXPECT_EQ(summary.correctionsImported, 1u);
  EXPECT_EQ(summary.photosAdded, 3u);
  ASSERT_EQ(other.corrections().size(), 1u);
  EXPECT_EQ(other.corrections()[0].personName, "Ada");
  EXPECT_EQ(other.findPerson("Ada")->photoCount, 2);
  EXPECT_EQ(nameFor(other, {3, 0}, 10), "Bob");
  EXPECT_EQ(nameFor(other, {2.8f, 0}, 10), "Bob");
}

TEST(GalleryCorrections, CalibrationCountsEachRejectedFaceAgainstThePersonsPhotosAsImpostors) {
  test::ScratchDir dir;
  Gallery g(dir.file("g.db"));
  CalibrationOptions options;
  options.targetFar = 0.3;
  const CalibrationReport without = calibrateThreshold(g.store.embeddings("m"), test::euclideanDistance, options);
  options.corrections = g.store.rejectionEmbeddings("m");
  const CalibrationReport with = calibrateThreshold(g.store.embeddings("m"), test::euclideanDistance, options);
  EXPECT_EQ(with.correctionPairs, 2u);  // against Ada's two photos
  EXPECT_EQ(with.impostorPairs, without.impostorPairs + 2);
  // The rejected face sits at 2 and 3 from Ada: nearer than Bob (≈6.4 and 7.1),
  // so at FAR 30% the threshold comes down to between them.
  EXPECT_LT(with.chosen.threshold, without.chosen.threshold);
  EXPECT_TRUE(contains(with.method(), "2 of them from corrections")) << with.method();
}

TEST(GalleryCorrections, EveryOnlineBatchCarriesAHardNegativeBesideItsPerson) {
  test::ScratchDir dir;
  CacheSettings settings;
  settings.cropSize = 4;
  settings.detector = "none";
  std::vector<test::MadeUpFace> faces = test::photosOf({"p0", "p1", "p2", "p3", "p4", "p5"}, 2);
  faces.push_back({"z-rejected", "rejected"});
  test::writeFlatFaceCache(dir.file("c.cache"), settings, faces);
  const FaceCache cache = FaceCache::load(dir.file("c.cache"));
  TrainData data;
  for (int i = 0; i < 12; ++i) data.trainFaces.push_back(i);
  data.validationPairs.push_back(Pair{0, 1, true});
  data.hardNegatives.push_back(Pair{12, 7, false});  // the rejected face is not p3
  TrainConfig config;
  config.peoplePerBatch = 3;
  config.photosPerPerson = 2;
  const detail::BatchSampler sampler(cache, data, config);
  Rng rng(5);
  for (int step = 0; step < 20; ++step) {
    const detail::OnlineBatch batch = sampler.online(rng);
    ASSERT_EQ(batch.faces.size(), 6u);
    EXPECT_EQ(batch.faces[4], 12);  // the last slot: the rejected face, its own label
    EXPECT_EQ(batch.faces[5], 12);
    EXPECT_EQ(batch.labels[4], 2);
    EXPECT_TRUE(batch.faces[0] == 6 || batch.faces[0] == 7) << "p3 in the first slot";
    EXPECT_EQ(std::set<int>(batch.labels.begin(), batch.labels.end()).size(), 3u);
  }
}

}  // namespace
}  // namespace siamese
