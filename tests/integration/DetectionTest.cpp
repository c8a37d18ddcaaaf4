// Face detection on real photos: each detector finds the face of an LFW
// photo where it is, none in a photo without a face, several in a group,
// and the scaling options keep boxes in original coordinates.

#include <opencv2/imgproc.hpp>

#include "common/Error.h"
#include "support/TestSupport.h"
#include "vision/FaceDetector.h"
#include "vision/ImageIO.h"
#include "vision/CvInterop.h"

namespace siamese {
namespace {

const char* kLfwPhoto = "lfw/images/Aaron_Eckhart/Aaron_Eckhart_0001.jpg";
const char* kMmodModel = "models/mmod_human_face_detector.dat";

// LFW photos are 250×250, centred on the labelled face.
void expectCentredFace(const FaceBox& box, float scale = 1.0f) {
  EXPECT_NEAR(box.centerX(), 125 * scale, 20 * scale);
  EXPECT_NEAR(box.centerY(), 125 * scale, 25 * scale);
  EXPECT_GT(box.width, 60 * scale);
  EXPECT_LT(box.width, 180 * scale);
}

Image resized(const Image& image, double factor) {
  cv::Mat out;
  cv::resize(detail::asMat(image), out, cv::Size(), factor, factor, cv::INTER_LINEAR);
  return detail::fromMat(out);
}

class Detectors : public ::testing::TestWithParam<DetectorKind> {
 protected:
  // The detector under test; null when the MMOD model file is missing.
  std::unique_ptr<FaceDetector> makeDetector() {
    DetectorOptions options;
    options.kind = GetParam();
    if (options.kind == DetectorKind::Mmod) {
      if (!test::haveData(kMmodModel)) return nullptr;
      options.modelPath = test::data(kMmodModel);
    }
    return createFaceDetector(options);
  }
};

TEST_P(Detectors, FindTheCentredFaceOfAnLfwPhoto) {
  SIAMESE_REQUIRE_DATA(kLfwPhoto);
  auto detector = makeDetector();
  if (!detector) GTEST_SKIP() << "MMOD model not found: " << test::data(kMmodModel);
  const auto faces = detector->detect(loadImage(test::data(kLfwPhoto)));
  ASSERT_GE(faces.size(), 1u);
  expectCentredFace(faces.front());
}

TEST_P(Detectors, FindNoFaceInACharacterDrawing) {
  SIAMESE_REQUIRE_DATA("omniglot/one-shot-runs");
  auto detector = makeDetector();
  if (!detector) GTEST_SKIP() << "MMOD model not found: " << test::data(kMmodModel);
  const Image drawing = loadImage(test::data("omniglot/one-shot-runs/run01/training/class01.png"));
  EXPECT_TRUE(detector->detect(resized(drawing, 2.0)).empty());
}

INSTANTIATE_TEST_SUITE_P(AllKinds, Detectors,
                         ::testing::Values(DetectorKind::Hog, DetectorKind::Haar, DetectorKind::Mmod),
                         [](const auto& param) { return detectorKindName(param.param); });

TEST(Detection, FindsEveryFaceOfAGroup) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  const Image group = test::sideBySide({loadImage(test::data("lfw/images/Aaron_Eckhart/Aaron_Eckhart_0001.jpg")),
                                        loadImage(test::data("lfw/images/Colin_Powell/Colin_Powell_0001.jpg")),
                                        loadImage(test::data("lfw/images/Jennifer_Lopez/Jennifer_Lopez_0001.jpg"))});
  auto detector = createFaceDetector({});
  const auto faces = detector->detect(group);
  ASSERT_EQ(faces.size(), 3u);
  std::vector<float> centres;
  for (const FaceBox& f : faces) centres.push_back(f.centerX());
  std::sort(centres.begin(), centres.end());
  EXPECT_NEAR(centres[0], 125, 25);
  EXPECT_NEAR(centres[1], 375, 25);
  EXPECT_NEAR(centres[2], 625, 25);
}

TEST(Detection, DownscaledDetectionReturnsOriginalCoordinates) {
  SIAMESE_REQUIRE_DATA(kLfwPhoto);
  const Image large = resized(loadImage(test::data(kLfwPhoto)), 3.0);  // 750×750
  DetectorOptions options;
  options.maxDetectSide = 300;
  auto detector = createFaceDetector(options);
  const auto faces = detector->detect(large);
  ASSERT_GE(faces.size(), 1u);
  expectCentredFace(faces.front(), 3.0f);
}

TEST(Detection, MinimumFaceSizeDropsSmallerFaces) {
  SIAMESE_REQUIRE_DATA(kLfwPhoto);
  const Image photo = loadImage(test::data(kLfwPhoto));
  DetectorOptions options;
  options.minFaceSize = 200;  // LFW faces are about 100 px wide
  EXPECT_TRUE(createFaceDetector(options)->detect(photo).empty());
}

TEST(Detection, SmallFacesAreFoundByUpsampling) {
  SIAMESE_REQUIRE_DATA(kLfwPhoto);
  // At 0.5x the face is ~50 px: below HOG's native 80 px window.
  const Image small = resized(loadImage(test::data(kLfwPhoto)), 0.5);
  DetectorOptions options;
  options.minFaceSize = 40;
  const auto faces = createFaceDetector(options)->detect(small);
  ASSERT_GE(faces.size(), 1u);
  expectCentredFace(faces.front(), 0.5f);
  options.minFaceSize = 80;
  EXPECT_TRUE(createFaceDetector(options)->detect(small).empty());
}

TEST(Detection, NoneDetectorReturnsTheWholeImage) {
  const Image image(90, 110, 1);
  DetectorOptions none;
  none.kind = DetectorKind::None;
  const auto faces = createFaceDetector(none)->detect(image);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_EQ(faces[0].width, 90);
  EXPECT_EQ(faces[0].height, 110);
}

TEST(Detection, ClonesDetectLikeTheOriginal) {
  SIAMESE_REQUIRE_DATA(kLfwPhoto);
  const Image photo = loadImage(test::data(kLfwPhoto));
  auto detector = createFaceDetector({});
  auto copy = detector->clone();
  const auto a = detector->detect(photo);
  const auto b = copy->detect(photo);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_FLOAT_EQ(a[0].x, b[0].x);
}

TEST(Detection, BadModelFilesGiveClearErrors) {
  test::ScratchDir dir;
  DetectorOptions mmod;
  mmod.kind = DetectorKind::Mmod;
  EXPECT_THROW(createFaceDetector(mmod), Error);  // no model given
  mmod.modelPath = dir.file("absent.dat");
  EXPECT_THROW(createFaceDetector(mmod), Error);

  SIAMESE_REQUIRE_DATA(kMmodModel);
  auto bytes = test::readBytes(test::data(kMmodModel));
  bytes.resize(bytes.size() / 2);
  test::writeBytes(dir.file("truncated.dat"), bytes);
  mmod.modelPath = dir.file("truncated.dat");
  try {
    createFaceDetector(mmod);
    FAIL() << "a truncated model loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated.dat"), std::string::npos) << e.what();
  }

  test::writeText(dir.file("cascade.xml"), "<not a cascade/>");
  DetectorOptions haar;
  haar.kind = DetectorKind::Haar;
  haar.modelPath = dir.file("cascade.xml");
  EXPECT_THROW(createFaceDetector(haar), Error);
}

TEST(Detection, DetectorNamesParse) {
  EXPECT_EQ(parseDetectorKind("hog"), DetectorKind::Hog);
  EXPECT_EQ(parseDetectorKind("haar"), DetectorKind::Haar);
  EXPECT_EQ(parseDetectorKind("mmod"), DetectorKind::Mmod);
  EXPECT_EQ(parseDetectorKind("none"), DetectorKind::None);
  EXPECT_THROW(parseDetectorKind("yolo"), Error);
}

}  // namespace
}  // namespace siamese
