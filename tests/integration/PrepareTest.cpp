// Preparing a data set into a face cache: good photos become aligned crops,
// every bad one is recorded with its reason, a rerun skips what is done, an
// interrupted run resumes to the same cache, and multi-face photos follow
// the chosen policy.

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "common/Error.h"
#include "data/FaceCache.h"
#include "prep/FacePreparer.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {
namespace fs = std::filesystem;


// A small data set with good photos of two people and a folder of bad ones.
class Prepare : public ::testing::Test {
 protected:
  void SetUp() override {
    SIAMESE_REQUIRE_DATA("lfw/images");
    SIAMESE_REQUIRE_DATA("omniglot/one-shot-runs");
    const std::string root = m_dir.file("people");
    for (int i = 1; i <= 3; ++i) {
      copy(test::lfwPhoto("Colin_Powell", i), root + "/Colin_Powell/" + std::to_string(i) + ".jpg");
      copy(test::lfwPhoto("Jennifer_Lopez", i), root + "/Jennifer_Lopez/" + std::to_string(i) + ".jpg");
    }
    const std::string bad = root + "/Bad_Inputs/";
    test::writeBytes(bad + "empty.jpg", {});
    test::writeText(bad + "text.jpg", "just some text");
    auto truncated = test::readBytes(test::lfwPhoto("Colin_Powell", 4));
    truncated.resize(truncated.size() / 2);
    test::writeBytes(bad + "truncated.jpg", truncated);
    copy(test::data("omniglot/one-shot-runs/run01/training/class01.png"), bad + "noface.png");
    // Three faces side by side; the middle one is Colin Powell.
    const Image group = test::sideBySide({loadImage(test::lfwPhoto("Jennifer_Lopez", 5)),
                                          loadImage(test::lfwPhoto("Colin_Powell", 5)),
                                          loadImage(test::lfwPhoto("Tony_Blair", 1))});
    saveImage(root + "/Colin_Powell/group.png", group);
    m_dataset = openDataset(root);
    m_options.align.cropSize = 64;
    m_options.threads = 2;
  }

  static void copy(const std::string& from, const std::string& to) {
    fs::create_directories(fs::path(to).parent_path());
    fs::copy_file(from, to);
  }

  std::string reasonFor(const FaceCache& cache, const std::string& fileName) {
    for (const CachedFailure& f : cache.failures())
      if (fs::path(f.source).filename() == fileName) return f.reason;
    return "(no failure recorded)";
  }

  test::ScratchDir m_dir;
  Dataset m_dataset;
  PrepareOptions m_options;
};

TEST_F(Prepare, AlignsGoodPhotosAndRecordsWhyBadOnesFailed) {
  const std::string cachePath = m_dir.file("faces.cache");
  const PrepareSummary summary = prepareDataset(m_dataset, cachePath, m_options);
  EXPECT_EQ(summary.photos, 11u);
  EXPECT_EQ(summary.processed, 11u);
  EXPECT_EQ(summary.failed, 4u);
  EXPECT_EQ(summary.aligned, 7u);
  EXPECT_EQ(summary.severalFaces, 1u);
  EXPECT_FALSE(summary.stopped);

  const FaceCache cache = FaceCache::load(cachePath);
  EXPECT_EQ(cache.people(), (std::vector<std::string>{"Colin_Powell", "Jennifer_Lopez"}));
  EXPECT_EQ(cache.size(), 7u);
  EXPECT_EQ(cache.settings().cropSize, 64);
  EXPECT_EQ(cache.settings().channels, 1);
  EXPECT_NE(reasonFor(cache, "empty.jpg").find("empty"), std::string::npos);
  EXPECT_NE(reasonFor(cache, "text.jpg").find("not an image"), std::string::npos);
  EXPECT_NE(reasonFor(cache, "truncated.jpg").find("truncated"), std::string::npos);
  EXPECT_EQ(reasonFor(cache, "noface.png"), "no face found");
  for (const CachedFace& face : cache.faces()) {
    EXPECT_TRUE(face.aligned) << face.source;
    const bool isGroup = fs::path(face.source).filename() == "group.png";
    EXPECT_EQ(face.facesFound, isGroup ? 3 : 1) << face.source;
    if (isGroup) {
      // The most central face was chosen: its eyes lie in the middle photo.
      EXPECT_GT(face.landmarks[0], 250.0f);
      EXPECT_LT(face.landmarks[2], 500.0f);
    }
  }
}

TEST_F(Prepare, ARerunSkipsEverythingDone) {
  const std::string cachePath = m_dir.file("faces.cache");
  prepareDataset(m_dataset, cachePath, m_options);
  const auto sizeBefore = fs::file_size(cachePath);
  const PrepareSummary again = prepareDataset(m_dataset, cachePath, m_options);
  EXPECT_EQ(again.alreadyDone, 11u);
  EXPECT_EQ(again.processed, 0u);
  EXPECT_EQ(fs::file_size(cachePath), sizeBefore);

  // Retrying failures processes exactly the four failed photos again.
  const PrepareSummary retried = prepareDataset(m_dataset, cachePath, m_options, /*retryFailures=*/true);
  EXPECT_EQ(retried.processed, 4u);
  EXPECT_EQ(retried.failed, 4u);
  EXPECT_EQ(FaceCache::load(cachePath).failures().size(), 4u);  // replaced, not duplicated
}

TEST_F(Prepare, AnInterruptedRunResumesToTheSameCache) {
  const std::string full = m_dir.file("full.cache");
  prepareDataset(m_dataset, full, m_options);

  const std::string resumed = m_dir.file("resumed.cache");
  StopToken stop;
  // The first progress report comes after the first photo: stop there.
  const PrepareSummary first =
      prepareDataset(m_dataset, resumed, m_options, false, [&](const Progress&) { stop.requestStop(); }, &stop);
  EXPECT_TRUE(first.stopped);
  EXPECT_LT(first.processed, 11u);
  const PrepareSummary second = prepareDataset(m_dataset, resumed, m_options);
  EXPECT_EQ(second.alreadyDone + second.processed, 11u);

  const FaceCache a = FaceCache::load(full);
  const FaceCache b = FaceCache::load(resumed);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.failures().size(), b.failures().size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.faces()[i].source, b.faces()[i].source);
    EXPECT_EQ(0, std::memcmp(a.pixels(i), b.pixels(i), a.bytesPerFace())) << a.faces()[i].source;
  }
}

TEST_F(Prepare, RefusePolicyFailsPhotosWithSeveralFaces) {
  m_options.multiFace = MultiFacePolicy::Refuse;
  const std::string cachePath = m_dir.file("faces.cache");
  prepareDataset(m_dataset, cachePath, m_options);
  EXPECT_NE(reasonFor(FaceCache::load(cachePath), "group.png").find("3 faces found"), std::string::npos);
}

TEST_F(Prepare, ACacheWithOtherSettingsIsNotExtended) {
  const std::string cachePath = m_dir.file("faces.cache");
  prepareDataset(m_dataset, cachePath, m_options);
  m_options.align.cropSize = 96;
  try {
    prepareDataset(m_dataset, cachePath, m_options);
    FAIL() << "a 96 px run extended a 64 px cache";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("crop size 64 vs 96"), std::string::npos) << e.what();
  }
}

TEST(PrepareWhole, CharactersAreResizedWholeWithoutDetection) {
  SIAMESE_REQUIRE_DATA("omniglot/images_background_small1");
  DatasetOptions datasetOptions;
  datasetOptions.maxPhotosPerPerson = 2;
  Dataset dataset = openDataset(test::data("omniglot/images_background_small1"), datasetOptions);
  dataset.samples.resize(10);
  test::ScratchDir dir;
  PrepareOptions options;
  options.align.cropSize = 32;
  const PrepareSummary summary = prepareDataset(dataset, dir.file("chars.cache"), options);
  EXPECT_EQ(summary.processed, 10u);
  EXPECT_EQ(summary.failed, 0u);
  const FaceCache cache = FaceCache::load(dir.file("chars.cache"));
  EXPECT_FALSE(cache.settings().alignedFaces);
  ASSERT_EQ(cache.size(), 10u);
  // Black strokes on white: the crop has both dark and light pixels.
  const std::uint8_t* p = cache.pixels(0);
  const auto [lo, hi] = std::minmax_element(p, p + cache.bytesPerFace());
  EXPECT_LT(*lo, 100);
  EXPECT_GT(*hi, 200);
}

TEST(PrepareSingle, ReadyCroppedFacesAreFoundWithTheBorderRetry) {
  SIAMESE_REQUIRE_DATA("att_faces/s1/1.pgm");
  // AT&T photos are 92×112 and the face fills them.
  PrepareOptions options;
  FacePreparer preparer(options, true);
  const PreparedFace face = preparer.prepare(loadImage(test::data("att_faces/s1/1.pgm")));
  EXPECT_TRUE(face.ok) << face.failure;
  EXPECT_TRUE(face.face.aligned);
}

}  // namespace
}  // namespace siamese
