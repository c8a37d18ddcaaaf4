// Our compact evaluation of dlib's 68-point landmark model gives dlib's own
// landmarks, point for point, on real faces in grey and in colour, with the
// detector's box, a shifted box and a box that runs off the photo (feature
// pixels outside the image); and a model file cut short is refused.

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/opencv/cv_image.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>

#include "support/TestSupport.h"
#include "vision/CvInterop.h"
#include "vision/FaceDetector.h"
#include "vision/ImageIO.h"
#include "vision/detail/LandmarkCascade.h"

namespace siamese {
namespace {

const char* kLandmarks = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

dlib::rectangle toRect(const FaceBox& box, long dx, long dy) {
  const long left = long(std::lround(box.x)) + dx, top = long(std::lround(box.y)) + dy;
  return dlib::rectangle(left, top, left + long(std::lround(box.width)) - 1, top + long(std::lround(box.height)) - 1);
}

TEST(LandmarkCascade, GivesDlibsLandmarksPointForPoint) {
  if (!std::filesystem::exists(kLandmarks)) GTEST_SKIP() << "landmark model missing: " << kLandmarks;
  SIAMESE_REQUIRE_DATA("lfw/images");
  dlib::shape_predictor reference;
  dlib::deserialize(kLandmarks) >> reference;
  const detail::LandmarkCascade cascade(kLandmarks);
  ASSERT_EQ(cascade.numParts(), 68u);

  auto detector = createFaceDetector({});
  int fits = 0, differentPoints = 0;
  for (const char* person : {"Aaron_Eckhart", "Colin_Powell", "Serena_Williams", "Gray_Davis", "Winona_Ryder",
                             "Jacques_Chirac", "Laura_Bush", "Abdullah_Gul"}) {
    const std::string photoPath = test::data(std::string("lfw/images/") + person + "/" + person + "_0001.jpg");
    const cv::Mat colour = detail::asMat(loadImage(photoPath)).clone();
    cv::Mat grey;
    cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
    const std::vector<FaceBox> faces = detector->detect(loadImage(photoPath));
    ASSERT_FALSE(faces.empty()) << photoPath;
    // The detector's box, one shifted off the face, and one half off the
    // photo's left edge.
    for (const dlib::rectangle& box :
         {toRect(faces[0], 0, 0), toRect(faces[0], 9, -6), toRect(faces[0], -long(faces[0].x + faces[0].width / 2), 0)}) {
      for (bool inColour : {false, true}) {
        const dlib::full_object_detection expected =
            inColour ? reference(dlib::cv_image<dlib::bgr_pixel>(colour), box)
                     : reference(dlib::cv_image<unsigned char>(grey), box);
        const dlib::full_object_detection got = cascade.fit(inColour ? colour : grey, box);
        ASSERT_EQ(got.num_parts(), expected.num_parts());
        EXPECT_EQ(got.get_rect(), expected.get_rect());
        for (unsigned long i = 0; i < got.num_parts(); ++i) differentPoints += got.part(i) != expected.part(i);
        ++fits;
      }
    }
  }
  EXPECT_EQ(fits, 48);
  EXPECT_EQ(differentPoints, 0) << "of " << fits * 68 << " landmarks";
}

TEST(LandmarkCascade, RefusesAModelCutShort) {
  if (!std::filesystem::exists(kLandmarks)) GTEST_SKIP() << "landmark model missing: " << kLandmarks;
  test::ScratchDir dir;
  const std::string cut = dir.file("cut.dat");
  {
    std::ifstream in(kLandmarks, std::ios::binary);
    std::ofstream out(cut, std::ios::binary);
    std::vector<char> half(std::filesystem::file_size(kLandmarks) / 2);
    in.read(half.data(), std::streamsize(half.size()));
    out.write(half.data(), std::streamsize(half.size()));
  }
  EXPECT_THROW(detail::LandmarkCascade{cut}, std::exception);
}

}  // namespace
}  // namespace siamese
