// Landmark alignment: the similarity fit is exact, aligned crops put the
// eyes, nose and mouth where the template says, a rotated photo aligns to
// the same crop, and implausible landmarks fall back to a flagged box crop.

#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "common/Error.h"
#include "support/TestSupport.h"
#include "vision/FaceAligner.h"
#include "vision/FaceDetector.h"
#include "vision/ImageIO.h"
#include "vision/CvInterop.h"

namespace siamese {
namespace {

const char* kLandmarks = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
const char* kPhoto = "lfw/images/Aaron_Eckhart/Aaron_Eckhart_0001.jpg";
const char* kOtherPerson = "lfw/images/Colin_Powell/Colin_Powell_0001.jpg";

class Alignment : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kLandmarks)) GTEST_SKIP() << "landmark model missing: " << kLandmarks;
    SIAMESE_REQUIRE_DATA("lfw/images");
  }

  AlignedFace alignPhoto(const Image& photo, const AlignOptions& options) {
    auto detector = createFaceDetector({});
    const auto faces = detector->detect(photo);
    EXPECT_FALSE(faces.empty());
    if (faces.empty()) return {};
    return FaceAligner(options).align(photo, faces.front());
  }
};

TEST(Similarity, RecoversAKnownTransformExactly) {
  const FivePoints from = {{{10, 20}, {40, 22}, {25, 35}, {15, 50}, {38, 49}}};
  const double angle = 0.3, scale = 1.7, tx = 5, ty = -8;
  FivePoints to;
  for (std::size_t i = 0; i < 5; ++i) {
    to[i].x = float(scale * (std::cos(angle) * from[i].x - std::sin(angle) * from[i].y) + tx);
    to[i].y = float(scale * (std::sin(angle) * from[i].x + std::cos(angle) * from[i].y) + ty);
  }
  const auto m = estimateSimilarity(from, to);
  EXPECT_NEAR(m[0], scale * std::cos(angle), 1e-4);
  EXPECT_NEAR(m[3], scale * std::sin(angle), 1e-4);
  EXPECT_NEAR(m[2], tx, 1e-3);
  EXPECT_NEAR(m[5], ty, 1e-3);
}

TEST_F(Alignment, CropsHaveTheRequestedSizeAndChannels) {
  const Image photo = loadImage(test::data(kPhoto));
  for (int size : {64, 96, 112, 150}) {
    for (bool colour : {false, true}) {
      AlignOptions options;
      options.cropSize = size;
      options.colour = colour;
      const AlignedFace face = alignPhoto(photo, options);
      EXPECT_TRUE(face.aligned);
      EXPECT_EQ(face.crop.width(), size);
      EXPECT_EQ(face.crop.height(), size);
      EXPECT_EQ(face.crop.channels(), colour ? 3 : 1);
    }
  }
}

TEST_F(Alignment, LandmarksOfTheCropSitOnTheTemplate) {
  AlignOptions options;
  options.cropSize = 150;
  options.colour = true;
  options.padding = 0.25f;  // context so the detector can find the face again
  const AlignedFace face = alignPhoto(loadImage(test::data(kPhoto)), options);
  ASSERT_TRUE(face.aligned);
  // Detect and landmark the crop itself: its points must sit on the template.
  const AlignedFace again = alignPhoto(face.crop, options);
  ASSERT_TRUE(again.aligned);
  // The fit is least squares over five points of one person's face, so
  // each point keeps that face's own deviation from the template: a few
  // pixels in 150, never more than 5% of the crop.
  const FivePoints target = FaceAligner(options).templatePoints();
  double meanError = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    const double error = std::hypot(again.landmarks[i].x - target[i].x, again.landmarks[i].y - target[i].y);
    EXPECT_LT(error, 7.5) << "point " << i;
    meanError += error / 5;
  }
  EXPECT_LT(meanError, 4.0);
}

TEST_F(Alignment, ARotatedPhotoAlignsToTheSameCrop) {
  const Image photo = loadImage(test::data(kPhoto));
  cv::Mat rotated;
  const cv::Mat turn = cv::getRotationMatrix2D(cv::Point2f(125, 125), 20.0, 1.0);
  cv::warpAffine(detail::asMat(photo), rotated, turn, cv::Size(250, 250), cv::INTER_LINEAR, cv::BORDER_REPLICATE);

  AlignOptions options;
  const AlignedFace upright = alignPhoto(photo, options);
  const AlignedFace tilted = alignPhoto(detail::fromMat(rotated), options);
  const AlignedFace other = alignPhoto(loadImage(test::data(kOtherPerson)), options);
  ASSERT_TRUE(upright.aligned && tilted.aligned && other.aligned);
  const double sameFace = test::meanAbsDifference(upright.crop, tilted.crop);
  const double otherFace = test::meanAbsDifference(upright.crop, other.crop);
  // Undoing the rotation leaves only resampling noise; another face differs
  // several times more.
  EXPECT_LT(sameFace, 12.0);
  EXPECT_LT(sameFace * 2.5, otherFace);
}

TEST_F(Alignment, ImplausibleLandmarksFallBackToAFlaggedBoxCrop) {
  const Image photo = loadImage(test::data(kPhoto));
  // A box squashed to a strip: no similarity maps its landmarks onto a face.
  const FaceBox strip{40, 110, 170, 18, 0};
  AlignOptions options;
  options.cropSize = 96;
  const AlignedFace face = FaceAligner(options).align(photo, strip);
  EXPECT_FALSE(face.aligned);
  EXPECT_EQ(face.crop.width(), 96);
  EXPECT_EQ(face.crop.height(), 96);
}

TEST_F(Alignment, BoxCropCentresTheBox) {
  // A box crop of a synthetic image with a bright square in the box.
  Image image(200, 200, 1);
  for (int y = 80; y < 120; ++y)
    for (int x = 60; x < 100; ++x) image.row(y)[x] = 255;
  AlignOptions options;
  options.cropSize = 64;
  options.fallbackMargin = 0.0f;
  const AlignedFace face = FaceAligner(options).cropBox(image, FaceBox{60, 80, 40, 40, 0});
  EXPECT_EQ(face.crop.row(32)[32], 255);
  EXPECT_EQ(face.crop.row(2)[2], 255);   // the box fills the crop
}

TEST(AlignmentErrors, MissingOrCorruptModelAndBadSizeAreReported) {
  test::ScratchDir dir;
  AlignOptions options;
  options.landmarkModelPath = dir.file("absent.dat");
  EXPECT_THROW(FaceAligner{options}, Error);
  test::writeText(dir.file("broken.dat"), "not a model");
  options.landmarkModelPath = dir.file("broken.dat");
  try {
    FaceAligner aligner(options);
    FAIL() << "a broken model loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.dat"), std::string::npos) << e.what();
  }
  options.landmarkModelPath.clear();
  options.cropSize = 8;
  EXPECT_THROW(FaceAligner{options}, Error);
}

}  // namespace
}  // namespace siamese
