// Enrolment rules with the shipped model: one face is added and embedded,
// the same photo twice is skipped, a photo without a face or an unreadable
// file is refused naming the file, a group photo uses the largest face (or
// is refused when asked), and an enrolled photo shown again is named. A
// gallery moved through an archive still names its people, and a threshold
// calibrated on enrolled photos is the one identification then uses.

#include <filesystem>

#include "gallery/Enrolment.h"
#include "gallery/GalleryArchive.h"
#include "gallery/MatchThreshold.h"
#include "gallery/Matcher.h"
#include "gallery/ThresholdCalibration.h"
#include "support/DefaultModelGallery.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using test::contains;

class Enrolment : public test::DefaultModelGallery {};

TEST_F(Enrolment, OneFaceIsAddedAndEmbeddedOnceAndDuplicatesAreSkipped) {
  Enroller enroller(*m_store, *m_embedder);
  const auto person = m_store->addPerson("Abdullah Gul");
  const EnrolOutcome first = enroller.enrolFile(person, test::lfwPhoto("Abdullah_Gul", 1));
  ASSERT_TRUE(first.added()) << first.message;
  EXPECT_EQ(first.facesFound, 1);
  const auto stored = m_store->embeddings(m_embedder->metadata().modelId);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].vector.size(), std::size_t(m_embedder->metadata().network.embeddingSize));
  const EnrolOutcome again = enroller.enrolFile(person, test::lfwPhoto("Abdullah_Gul", 1));
  EXPECT_EQ(again.status, EnrolStatus::Duplicate);
  EXPECT_TRUE(contains(again.message, "already enrolled")) << again.message;
  EXPECT_EQ(m_store->photosOf(person).size(), 1u);
}

TEST_F(Enrolment, PhotosWithoutAFaceAndBadFilesAreRefusedNamingTheFile) {
  SIAMESE_REQUIRE_DATA("omniglot/one-shot-runs");
  Enroller enroller(*m_store, *m_embedder);
  const auto person = m_store->addPerson("Nobody");
  const std::string drawing = test::data("omniglot/one-shot-runs/run01/training/class01.png");
  const EnrolOutcome noFace = enroller.enrolFile(person, drawing);
  EXPECT_EQ(noFace.status, EnrolStatus::NoFace);
  EXPECT_TRUE(contains(noFace.message, drawing)) << noFace.message;
  EXPECT_TRUE(contains(noFace.message, "no face")) << noFace.message;

  test::writeText(m_dir.file("notes.jpg"), "not a photo");
  const EnrolOutcome bad = enroller.enrolFile(person, m_dir.file("notes.jpg"));
  EXPECT_EQ(bad.status, EnrolStatus::Unreadable);
  EXPECT_TRUE(contains(bad.message, "notes.jpg")) << bad.message;
  EXPECT_TRUE(m_store->photosOf(person).empty());
}

TEST_F(Enrolment, AGroupPhotoUsesTheLargestFaceOrIsRefused) {
  // Three people side by side: one face is enrolled, and the message says so.
  const Image powell = loadImage(test::lfwPhoto("Colin_Powell", 1));
  const Image group =
      test::sideBySide({loadImage(test::lfwPhoto("Jennifer_Lopez", 1)), powell, loadImage(test::lfwPhoto("Tony_Blair", 1))});
  saveImage(m_dir.file("group.png"), group);
  const auto person = m_store->addPerson("Someone");
  {
    Enroller enroller(*m_store, *m_embedder);
    const EnrolOutcome outcome = enroller.enrolFile(person, m_dir.file("group.png"));
    ASSERT_TRUE(outcome.added()) << outcome.message;
    EXPECT_EQ(outcome.facesFound, 3);
    EXPECT_TRUE(contains(outcome.message, "the largest was used")) << outcome.message;
  }
  EnrolOptions refuse;
  refuse.refuseSeveralFaces = true;
  Enroller strict(*m_store, *m_embedder, refuse);
  saveImage(m_dir.file("group2.png"), test::sideBySide({powell, loadImage(test::lfwPhoto("Tony_Blair", 2))}));
  const EnrolOutcome refused = strict.enrolFile(person, m_dir.file("group2.png"));
  EXPECT_EQ(refused.status, EnrolStatus::SeveralFaces);
  EXPECT_TRUE(contains(refused.message, "2 faces found")) << refused.message;
}

TEST_F(Enrolment, AnEnrolledPhotoShownAgainIsNamed) {
  Enroller enroller(*m_store, *m_embedder);
  const auto gul = m_store->addPerson("Abdullah Gul");
  const auto bynes = m_store->addPerson("Amanda Bynes");
  ASSERT_TRUE(enroller.enrolFile(gul, test::lfwPhoto("Abdullah_Gul", 13)).added());
  ASSERT_TRUE(enroller.enrolFile(bynes, test::lfwPhoto("Amanda_Bynes", 1)).added());
  const GalleryMatcher matcher(m_store->embeddings(m_embedder->metadata().modelId),
                               [&](const auto& a, const auto& b) { return m_embedder->distance(a, b); });
  const Image shown = m_store->cropOf(m_store->photosOf(bynes)[0].id);
  const MatchResult match = matcher.match(m_embedder->embed({shown}).front(), m_embedder->metadata().threshold.value);
  ASSERT_TRUE(match.known);
  EXPECT_EQ(match.best()->personId, bynes);
  EXPECT_LT(match.best()->distance, 1e-3);
}

TEST_F(Enrolment, ReembeddingFillsInMissingEmbeddingsFromTheOriginalsAndResumes) {
  // Photos stored without embeddings for this model, as after a model change.
  const auto person = m_store->addPerson("Abdullah Gul");
  for (int n : {1, 2, 3}) {
    const auto original = test::readBytes(test::lfwPhoto("Abdullah_Gul", n));
    ASSERT_TRUE(m_store->addPhoto(person, "p.jpg", original, Image(8, 8, 1), true));
  }
  SIAMESE_REQUIRE_DATA("omniglot/one-shot-runs");
  const auto drawing = test::readBytes(test::data("omniglot/one-shot-runs/run01/training/class01.png"));
  ASSERT_TRUE(m_store->addPhoto(person, "drawing.png", drawing, Image(8, 8, 1), true));
  const std::string model = m_embedder->metadata().modelId;
  ASSERT_EQ(m_store->photosWithoutEmbedding(model).size(), 4u);

  const ReembedSummary first = reembedGallery(*m_store, *m_embedder);
  EXPECT_EQ(first.embedded, 3u);
  EXPECT_EQ(first.failed, 1u);  // the drawing has no face
  EXPECT_EQ(m_store->embeddings(model).size(), 3u);
  // Resumable: only what is still missing is tried again.
  const ReembedSummary again = reembedGallery(*m_store, *m_embedder);
  EXPECT_EQ(again.embedded, 0u);
  EXPECT_EQ(again.failed, 1u);
  // The same photo embedded at enrolment and by re-embedding agrees.
  Enroller enroller(*m_store, *m_embedder);
  const auto other = m_store->addPerson("Check");
  const EnrolOutcome enrolled = enroller.enrolFile(other, test::lfwPhoto("Abdullah_Gul", 1));
  ASSERT_TRUE(enrolled.added());
  const auto stored = m_store->embeddings(model);
  EXPECT_NEAR(m_embedder->distance(stored.front().vector, stored.back().vector), 0.0, 1e-4);
}

TEST_F(Enrolment, SwitchingModelsReembedsStoppedAndResumedAndNeverMixes) {
  SIAMESE_REQUIRE_FACE_TOWER();
  Enroller enroller(*m_store, *m_embedder);
  for (const char* person : {"Abdullah_Gul", "Jacques_Chirac"}) {
    const auto id = m_store->addPerson(person);
    for (int n : {1, 2, 3}) ASSERT_TRUE(enroller.enrolFile(id, test::lfwPhoto(person, n)).added());
  }
  const std::string own = m_embedder->metadata().modelId;
  auto tower = Embedder::load(test::faceTower(), DevicePreference::Cpu);
  const std::string towerId = tower->metadata().modelId;
  ASSERT_NE(own, towerId);
  ASSERT_EQ(m_store->photosWithoutEmbedding(towerId).size(), 6u);

  // Stopped after the first photo (as Cancel in the GUI or Ctrl-C would)…
  StopToken stop;
  const ReembedSummary first =
      reembedGallery(*m_store, *tower, [&](const Progress&) { stop.requestStop(); }, &stop);
  EXPECT_TRUE(first.stopped);
  EXPECT_EQ(first.embedded, 1u);
  EXPECT_EQ(m_store->photosWithoutEmbedding(towerId).size(), 5u);
  // …and resumed: only the rest is done.
  const ReembedSummary rest = reembedGallery(*m_store, *tower);
  EXPECT_FALSE(rest.stopped);
  EXPECT_EQ(rest.embedded, 5u);
  EXPECT_TRUE(m_store->photosWithoutEmbedding(towerId).empty());

  // Each model matches against its own embeddings only: the old ones stay,
  // and a photo the gallery never saw is named through the new model.
  EXPECT_EQ(m_store->embeddings(own).size(), 6u);
  EXPECT_EQ(m_store->embeddings(towerId).size(), 6u);
  for (const auto& e : m_store->embeddings(towerId)) EXPECT_EQ(e.vector.size(), 128u);
  const GalleryIndex gallery = loadGalleryIndex(*m_store, *tower);
  FaceEncoder encoder(*tower);
  const EncodedPhoto unseen = encoder.encodePhoto(loadImage(test::lfwPhoto("Jacques_Chirac", 7)));
  ASSERT_TRUE(unseen.ok());
  const MatchResult match = gallery.matcher->match(*unseen.embedding, tower->metadata().threshold.value, 1);
  ASSERT_TRUE(match.known);
  EXPECT_EQ(gallery.names.at(match.best()->personId), "Jacques_Chirac");
}

TEST_F(Enrolment, AGalleryMovedThroughAnArchiveStillNamesItsPeople) {
  Enroller enroller(*m_store, *m_embedder);
  const auto gul = m_store->addPerson("Abdullah Gul");
  ASSERT_TRUE(enroller.enrolFile(gul, test::lfwPhoto("Abdullah_Gul", 13)).added());
  ASSERT_TRUE(enroller.enrolFile(m_store->addPerson("Amanda Bynes"), test::lfwPhoto("Amanda_Bynes", 1)).added());
  const std::string model = m_embedder->metadata().modelId;
  exportGallery(*m_store, m_dir.file("moved.archive"), model);

  GalleryStore moved(m_dir.file("elsewhere.db"));
  const ImportSummary s = importGallery(moved, m_dir.file("moved.archive"));
  EXPECT_EQ(s.archive.modelId, model);
  EXPECT_EQ(s.photosAdded, 2u);
  EXPECT_EQ(s.embeddingsImported, 2u);
  EXPECT_TRUE(moved.photosWithoutEmbedding(model).empty());  // nothing to re-embed

  const GalleryMatcher matcher(moved.embeddings(model),
                               [&](const auto& a, const auto& b) { return m_embedder->distance(a, b); },
                               searchOptionsFor(m_embedder->metadata()));
  const auto bynes = moved.findPerson("Amanda Bynes")->id;
  // Amanda Bynes's crop as stored in the moved gallery, embedded afresh.
  const Image shown = moved.cropOf(moved.photosOf(bynes)[0].id);
  const MatchResult match = matcher.match(m_embedder->embed({shown}).front(), m_embedder->metadata().threshold.value);
  ASSERT_TRUE(match.known);
  EXPECT_EQ(match.best()->personId, bynes);
  EXPECT_LT(match.best()->distance, 1e-3);
}

TEST_F(Enrolment, AThresholdCalibratedOnEnrolledPhotosIsUsedOnceSaved) {
  Enroller enroller(*m_store, *m_embedder);
  for (const char* person : {"Colin_Powell", "Tony_Blair", "Donald_Rumsfeld", "Gerhard_Schroeder"}) {
    const auto id = m_store->addPerson(person);
    for (int n : {1, 2, 3}) ASSERT_TRUE(enroller.enrolFile(id, test::lfwPhoto(person, n)).added()) << person << n;
  }
  const BundleMetadata& meta = m_embedder->metadata();
  CalibrationOptions options;
  options.targetFar = 0.1;
  options.bundleThreshold = meta.threshold.value;
  const CalibrationReport report = calibrateThreshold(
      m_store->embeddings(meta.modelId), [&](const auto& a, const auto& b) { return m_embedder->distance(a, b); },
      options);
  EXPECT_EQ(report.genuinePairs, 4u * 3u);
  EXPECT_EQ(report.impostorPairs, 12u * 11u / 2u - 12u);
  EXPECT_LE(report.chosen.falseAcceptRate, 0.1);
  EXPECT_GT(report.chosen.threshold, 0.0);
  EXPECT_LT(report.chosen.threshold, 2.0);  // unit-length embeddings are at most 2 apart
  EXPECT_DOUBLE_EQ(report.bundle.threshold, meta.threshold.value);
  EXPECT_FALSE(report.warnings.empty());    // 12 genuine pairs are too few to trust

  // The bundle's threshold until one is saved; then the gallery's; a given one wins.
  EXPECT_DOUBLE_EQ(matchThresholdFor(*m_store, meta).value, meta.threshold.value);
  EXPECT_TRUE(contains(matchThresholdFor(*m_store, meta).source, "model bundle"));
  m_store->setThreshold(meta.modelId, report.chosen.threshold, report.method());
  const MatchThreshold used = matchThresholdFor(*m_store, meta);
  EXPECT_DOUBLE_EQ(used.value, report.chosen.threshold);
  EXPECT_TRUE(contains(used.source, "gallery calibration")) << used.source;
  EXPECT_DOUBLE_EQ(matchThresholdFor(*m_store, meta, 0.25).value, 0.25);
}

}  // namespace
}  // namespace siamese
