// Image loading never crashes: every bad input gives a FileError that names
// the file and the reason; good inputs of every kind come out as 8-bit BGR.

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/Error.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"
#include "vision/CvInterop.h"

namespace siamese {
namespace {

using test::ScratchDir;

const char* kLfwPhoto = "lfw/images/Aaron_Eckhart/Aaron_Eckhart_0001.jpg";

// Expects loadImage(path) to throw a FileError naming `path` whose reason
// contains `expected`.
void expectRefused(const std::string& path, const std::string& expected) {
  try {
    loadImage(path);
    FAIL() << "no error for " << path;
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(e.reason().find(expected), std::string::npos) << e.reason();
  }
}

Image gradient(int width, int height, int channels) {
  Image image(width, height, channels);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width * channels; ++x) image.row(y)[x] = std::uint8_t((x + 3 * y) % 256);
  return image;
}

TEST(ImageIo, ZeroByteFileIsRefused) {
  ScratchDir dir;
  test::writeBytes(dir.file("empty.jpg"), {});
  expectRefused(dir.file("empty.jpg"), "empty");
}

TEST(ImageIo, TextFileNamedJpgIsRefused) {
  ScratchDir dir;
  test::writeText(dir.file("notes.jpg"), "Hello, this is not a photo.\n");
  expectRefused(dir.file("notes.jpg"), "not an image");
}

TEST(ImageIo, MissingFileAndFolderAreRefused) {
  ScratchDir dir;
  expectRefused(dir.file("absent.png"), "no such file");
  expectRefused(dir.path(), "folder");
}

TEST(ImageIo, TruncatedJpegIsRefused) {
  SIAMESE_REQUIRE_DATA(kLfwPhoto);
  ScratchDir dir;
  auto bytes = test::readBytes(test::data(kLfwPhoto));
  bytes.resize(bytes.size() * 6 / 10);
  test::writeBytes(dir.file("cut.jpg"), bytes);
  expectRefused(dir.file("cut.jpg"), "truncated");
}

TEST(ImageIo, TruncatedPngIsRefused) {
  ScratchDir dir;
  auto bytes = test::encode(gradient(64, 48, 3), ".png");
  bytes.resize(bytes.size() / 2);
  test::writeBytes(dir.file("cut.png"), bytes);
  expectRefused(dir.file("cut.png"), "truncated");
}

TEST(ImageIo, OversizePngHeaderIsRefusedBeforeDecoding) {
  ScratchDir dir;
  test::writeBytes(dir.file("huge.png"), test::pngHeaderOnly(60000, 60000));
  expectRefused(dir.file("huge.png"), "60000x60000");
}

TEST(ImageIo, OversizeJpegHeaderIsRefusedBeforeDecoding) {
  // SOI, then a baseline SOF0 frame header announcing 60000×60000.
  const std::vector<std::uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xEA, 0x60, 0xEA, 0x60, 0x03,
                                          1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9};
  ScratchDir dir;
  test::writeBytes(dir.file("huge.jpg"), jpeg);
  expectRefused(dir.file("huge.jpg"), "60000x60000");
}

TEST(ImageIo, FileOverTheByteLimitIsRefused) {
  ScratchDir dir;
  test::writeBytes(dir.file("big.png"), test::encode(gradient(300, 300, 3), ".png"));
  ImageLimits limits;
  limits.maxFileBytes = 1000;
  try {
    loadImage(dir.file("big.png"), limits);
    FAIL() << "no error";
  } catch (const FileError& e) {
    EXPECT_NE(e.reason().find("over the limit"), std::string::npos) << e.reason();
  }
}

TEST(ImageIo, HeaderSizesAreReadForEachFormat) {
  const Image image = gradient(37, 23, 3);
  for (const char* ext : {".png", ".jpg", ".bmp", ".ppm", ".tiff", ".webp"}) {
    const auto bytes = test::encode(image, ext);
    const auto size = readImageSize(bytes.data(), bytes.size());
    ASSERT_TRUE(size.has_value()) << ext;
    EXPECT_EQ(size->width, 37) << ext;
    EXPECT_EQ(size->height, 23) << ext;
  }
}

TEST(ImageIo, SixteenBitPngIsScaledToEightBits) {
  cv::Mat deep(20, 30, CV_16UC1);
  for (int y = 0; y < deep.rows; ++y)
    for (int x = 0; x < deep.cols; ++x) deep.at<std::uint16_t>(y, x) = std::uint16_t(x * 2000);
  std::vector<std::uint8_t> bytes;
  cv::imencode(".png", deep, bytes);
  const Image image = decodeImage(bytes, "deep.png");
  ASSERT_EQ(image.channels(), 3);
  ASSERT_EQ(image.width(), 30);
  // 65535 maps to 255: x*2000/257.
  EXPECT_NEAR(image.row(5)[3 * 10], 10 * 2000 / 257.0, 1.0);
  EXPECT_NEAR(image.row(5)[3 * 29 + 2], 29 * 2000 / 257.0, 1.0);
}

TEST(ImageIo, GreyAndAlphaImagesBecomeBgr) {
  const Image grey = decodeImage(test::encode(gradient(16, 8, 1), ".pgm"), "grey.pgm");
  EXPECT_EQ(grey.channels(), 3);
  EXPECT_EQ(grey.row(2)[3 * 5], grey.row(2)[3 * 5 + 1]);

  // Fully transparent pixels composite to white, opaque ones keep colour.
  cv::Mat rgba(4, 4, CV_8UC4, cv::Scalar(10, 20, 30, 0));
  rgba.at<cv::Vec4b>(1, 1) = cv::Vec4b(10, 20, 30, 255);
  std::vector<std::uint8_t> bytes;
  cv::imencode(".png", rgba, bytes);
  const Image flat = decodeImage(bytes, "alpha.png");
  ASSERT_EQ(flat.channels(), 3);
  EXPECT_EQ(flat.row(0)[0], 255);
  EXPECT_EQ(flat.row(1)[3], 10);
  EXPECT_EQ(flat.row(1)[5], 30);
}

TEST(ImageIo, ExifOrientationIsApplied) {
  SIAMESE_REQUIRE_DATA(kLfwPhoto);
  // A non-square upright photo, stored rotated 90° counter-clockwise with
  // EXIF orientation 6 ("rotate 90° clockwise to display").
  const Image upright = [] {
    const Image full = loadImage(test::data(kLfwPhoto));
    return detail::fromMat(detail::asMat(full)(cv::Rect(0, 25, 250, 200)).clone());
  }();
  cv::Mat stored;
  cv::rotate(detail::asMat(upright), stored, cv::ROTATE_90_COUNTERCLOCKWISE);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", stored, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95});
  const Image loaded = decodeImage(test::withExifOrientation(jpeg, 6), "rotated.jpg");
  ASSERT_EQ(loaded.width(), 250);
  ASSERT_EQ(loaded.height(), 200);
  EXPECT_LT(test::meanAbsDifference(loaded, upright), 6.0);
}

TEST(ImageIo, YaleGifDecodes) {
  SIAMESE_REQUIRE_DATA("yalefaces/subject01.normal");
  const Image image = loadImage(test::data("yalefaces/subject01.normal"));
  EXPECT_EQ(image.width(), 320);
  EXPECT_EQ(image.height(), 243);
  EXPECT_EQ(image.channels(), 3);
  const cv::Scalar mean = cv::mean(detail::asMat(image));
  EXPECT_GT(mean[0], 30.0);  // a real photo, not a blank canvas
  EXPECT_LT(mean[0], 230.0);
}

TEST(ImageIo, TruncatedGifIsRefused) {
  SIAMESE_REQUIRE_DATA("yalefaces/subject01.normal");
  ScratchDir dir;
  auto bytes = test::readBytes(test::data("yalefaces/subject01.normal"));
  bytes.resize(bytes.size() / 3);
  test::writeBytes(dir.file("cut.gif"), bytes);
  expectRefused(dir.file("cut.gif"), "GIF");
}

// Found by fuzz_image_reader: giflib has no message for the error this
// 23-byte GIF gives, and a null message crashed the decoder.
TEST(ImageIo, AGifThatGiflibHasNoWordsForIsRefused) {
  ScratchDir dir;
  test::writeBytes(dir.file("odd.gif"), {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x17, 0x00, 0x00, 0x00, 0x0d, 0xe7,
                                         0x00, 0x2c, 0xf6, 0x00, 0x68, 0x00, 0x68, 0x01, 0x00, 0x00, 0x00});
  expectRefused(dir.file("odd.gif"), "GIF");
}

// A small screen with a 60000x60000 frame in it: giflib would allocate the
// frame (3.6 GB) from its header alone.
TEST(ImageIo, AGifFrameLargerThanTheLimitIsRefusedBeforeDecoding) {
  ScratchDir dir;
  std::vector<std::uint8_t> gif = {'G', 'I', 'F', '8', '9', 'a', 16, 0, 16, 0, 0x80, 0, 0};
  for (int i = 0; i < 6; ++i) gif.push_back(std::uint8_t(i * 40));  // a two-colour global table
  for (std::uint8_t b : {0x2C, 0, 0, 0, 0, 0x60, 0xEA, 0x60, 0xEA, 0}) gif.push_back(b);  // at 0,0: 60000x60000
  for (std::uint8_t b : {2, 2, 0x4C, 0x01, 0, 0x3B}) gif.push_back(b);  // a little LZW data, the trailer
  test::writeBytes(dir.file("bomb.gif"), gif);
  expectRefused(dir.file("bomb.gif"), "refused before decoding");
}

// libjpeg fills what is missing with grey and only warns: a cut download
// with its end marker put back must not become a half-grey photo.
TEST(ImageIo, ACutJpegWithItsEndMarkerPutBackIsRefused) {
  SIAMESE_REQUIRE_DATA(kLfwPhoto);
  ScratchDir dir;
  auto bytes = test::readBytes(test::data(kLfwPhoto));
  bytes.resize(bytes.size() / 2);
  bytes.push_back(0xFF);
  bytes.push_back(0xD9);
  test::writeBytes(dir.file("cut.jpg"), bytes);
  expectRefused(dir.file("cut.jpg"), "damaged or incomplete");
}

TEST(ImageIo, EveryFormatRoundTrips) {
  const Image image = gradient(40, 30, 3);
  for (const char* ext : {".png", ".bmp", ".ppm", ".tiff"}) {
    const Image decoded = decodeImage(test::encode(image, ext), std::string("x") + ext);
    ASSERT_EQ(decoded.width(), 40) << ext;
    EXPECT_LT(test::meanAbsDifference(decoded, image), 0.01) << ext;
  }
  const Image jpeg = decodeImage(test::encode(image, ".jpg"), "x.jpg");
  EXPECT_LT(test::meanAbsDifference(jpeg, image), 8.0);
}

TEST(ImageIo, SaveImageWritesAtomicallyAndReloads) {
  ScratchDir dir;
  const Image image = gradient(20, 10, 3);
  saveImage(dir.file("sub/out.png"), image);
  EXPECT_LT(test::meanAbsDifference(loadImage(dir.file("sub/out.png")), image), 0.01);
  // No temporary file is left behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.file("sub"))) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace siamese
