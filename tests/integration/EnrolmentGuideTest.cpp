// Guided enrolment on real LFW photos with the face tower: a blurred copy
// and a shrunken copy of a good photo are refused (saying why), the photo
// itself is accepted, and a turned face and its mirror image fill the two
// turned poses; a folder of such frames, read as a live source, completes
// the enrolment and the gallery then names an unseen photo of the person.

#include <opencv2/imgproc.hpp>

#include <filesystem>

#include "gallery/Matcher.h"
#include "live/EnrolmentGuide.h"
#include "live/FrameSource.h"
#include "support/TestSupport.h"
#include "vision/CvInterop.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using test::contains;

Image blurred(const Image& image, double sigma) {
  cv::Mat out;
  cv::GaussianBlur(detail::asMat(image), out, cv::Size(0, 0), sigma);
  return detail::fromMat(out);
}

// The photo shrunk by `scale` in the middle of a grey canvas of its size.
Image shrunk(const Image& image, double scale) {
  cv::Mat small, canvas(image.height(), image.width(), CV_8UC3, cv::Scalar(128, 128, 128));
  cv::resize(detail::asMat(image), small, cv::Size(0, 0), scale, scale, cv::INTER_AREA);
  small.copyTo(canvas(cv::Rect((canvas.cols - small.cols) / 2, (canvas.rows - small.rows) / 2, small.cols, small.rows)));
  return detail::fromMat(canvas);
}

Image mirrored(const Image& image) {
  cv::Mat out;
  cv::flip(detail::asMat(image), out, 1);
  return detail::fromMat(out);
}

// Five frames of Colin Powell: a blurred one, a frontal one, a shrunken
// turned one, the turned one, its mirror image.
void writePowellFrames(const std::string& folder, int frontal, int turned) {
  std::filesystem::create_directories(folder);
  const Image good = loadImage(test::lfwPhoto("Colin_Powell", frontal));
  const Image side = loadImage(test::lfwPhoto("Colin_Powell", turned));
  saveImage(folder + "/01.png", blurred(good, 3.0));
  saveImage(folder + "/02.png", good);
  saveImage(folder + "/03.png", shrunk(side, 0.5));
  saveImage(folder + "/04.png", side);
  saveImage(folder + "/05.png", mirrored(side));
}

class EnrolmentGuideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SIAMESE_REQUIRE_FACE_TOWER();
    SIAMESE_REQUIRE_DATA("lfw/images");
    configureTorchThreads();
    m_embedder = Embedder::load(test::faceTower(), DevicePreference::Cpu);
  }
  std::unique_ptr<Embedder> m_embedder;
};

TEST_F(EnrolmentGuideTest, ABlurredAndATinyFaceAreRefusedAndAGoodOneIsKept) {
  EnrolmentGuide guide(*m_embedder);
  const Image good = loadImage(test::lfwPhoto("Colin_Powell", 1));
  const GuideVerdict blur = guide.check(blurred(good, 3.0));
  std::printf("blurred: %s (sharpness %.1f)\n", blur.problem.c_str(), blur.sharpness);
  EXPECT_FALSE(blur.usable);
  EXPECT_TRUE(contains(blur.problem, "blurred")) << blur.problem;
  const GuideVerdict tiny = guide.check(shrunk(good, 0.5));
  std::printf("tiny: %s (width %d)\n", tiny.problem.c_str(), tiny.faceWidth);
  EXPECT_FALSE(tiny.usable);
  EXPECT_TRUE(contains(tiny.problem, "too small")) << tiny.problem;
  EXPECT_TRUE(guide.captures().empty());

  const GuideVerdict ok = guide.check(good);
  std::printf("good: usable %d, pose %s, yaw %.3f, sharpness %.1f, brightness %.0f, width %d\n", ok.usable,
              ok.pose ? headPoseName(*ok.pose) : "-", ok.yaw, ok.sharpness, ok.brightness, ok.faceWidth);
  ASSERT_TRUE(ok.usable) << ok.problem;
  EXPECT_TRUE(ok.accepted);
  EXPECT_EQ(guide.captures().size(), 1u);
  EXPECT_EQ(guide.missing().size(), 2u);
  EXPECT_FALSE(guide.instruction().empty());

  const Image two = test::sideBySide({good, loadImage(test::lfwPhoto("Tony_Blair", 1))});
  const GuideVerdict pair = guide.check(two);
  EXPECT_TRUE(contains(pair.problem, "2 faces")) << pair.problem;
}

TEST_F(EnrolmentGuideTest, AFolderOfFramesCoversThreePosesAndEnrolsAPersonWhoIsThenNamed) {
  // A frontal and a turned face among Colin Powell's photos, found by their
  // landmarks (not hand-picked), and the turned one's mirror image for the
  // other side.
  EnrolmentGuide probe(*m_embedder);
  int frontal = 0, turned = 0;
  for (int n = 1; n <= 40 && (frontal == 0 || turned == 0); ++n) {
    const GuideVerdict v = probe.check(loadImage(test::lfwPhoto("Colin_Powell", n)));
    const GuideVerdict m = probe.check(mirrored(loadImage(test::lfwPhoto("Colin_Powell", n))));
    std::printf("photo %d: yaw %.3f, mirrored %.3f\n", n, v.yaw, m.yaw);
    if (v.usable && *v.pose == HeadPose::Frontal && frontal == 0) frontal = n;
    if (v.usable && *v.pose != HeadPose::Frontal && turned == 0) turned = n;
  }
  ASSERT_NE(frontal, 0) << "no frontal photo of Colin Powell among 1..40";
  ASSERT_NE(turned, 0) << "no turned photo of Colin Powell among 1..40";
  test::ScratchDir dir;
  writePowellFrames(dir.file("frames"), frontal, turned);

  EnrolmentGuide guide(*m_embedder);
  auto source = openFrameSource(dir.file("frames"));
  CapturedFrame frame;
  int refused = 0;
  while (source->read(frame) == ReadStatus::Frame) {
    const GuideVerdict v = guide.check(frame.image, frame.index);
    std::printf("frame %lld: %s%s\n", static_cast<long long>(frame.index),
                v.usable ? headPoseName(*v.pose) : "refused: ", v.usable ? "" : v.problem.c_str());
    refused += v.usable ? 0 : 1;
  }
  EXPECT_EQ(refused, 2) << "the blurred and the shrunken frame";
  EXPECT_TRUE(guide.complete()) << guide.instruction();

  GalleryStore store(dir.file("g.db"));
  EXPECT_EQ(guide.enrol(store, "Colin Powell"), 3);
  const GalleryIndex index = loadGalleryIndex(store, *m_embedder);
  FaceEncoder encoder(*m_embedder);
  const EncodedPhoto unseen = encoder.encodePhoto(loadImage(test::lfwPhoto("Colin_Powell", 50)));
  ASSERT_TRUE(unseen.ok());
  const MatchResult match = index.matcher->match(*unseen.embedding, m_embedder->metadata().threshold.value);
  ASSERT_TRUE(match.known);
  EXPECT_EQ(index.names.at(match.best()->personId), "Colin Powell");
}

// The same from the command line: `siamese gallery capture`.
TEST_F(EnrolmentGuideTest, GalleryCaptureSaysWhatIsWrongAndEnrolsTheThreePoses) {
  test::ScratchDir dir;
  writePowellFrames(dir.file("frames"), 5, 1);  // the frontal and turned photos the test above finds
  const std::string out = test::runCli("gallery --gallery " + dir.file("g.db") + " --model " + test::faceTower() +
                                       " capture \"Colin Powell\" --source " + dir.file("frames"));
  std::printf("%s", out.c_str());
  EXPECT_TRUE(contains(out, "frame 0: the face is blurred")) << out;
  EXPECT_TRUE(contains(out, "frame 2: the face is too small")) << out;
  EXPECT_TRUE(contains(out, "3 of 3 poses kept")) << out;
  EXPECT_TRUE(contains(out, "3 photo(s) of Colin Powell enrolled")) << out;
  const std::string refused = test::runCli("gallery --gallery " + dir.file("g.db") + " --model " + test::faceTower() +
                                               " capture Nobody --source " + dir.file("frames") + " --max-frames 1",
                                           1);
  EXPECT_TRUE(contains(refused, "no usable frame of Nobody")) << refused;
}

}  // namespace
}  // namespace siamese
