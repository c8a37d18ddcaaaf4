// Frame sources and video output: files, folders and cameras that exist or
// not, damaged inputs, the end of a stream, and an annotated video that
// replaces an older one only once complete.

#include <filesystem>

#include "live/FrameSource.h"
#include "live/VideoFileWriter.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using test::contains;

Image greyRamp(int width, int height, int shift) {
  Image image(width, height, 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width * 3; ++x) image.row(y)[x] = std::uint8_t((x / 3 + y + shift) % 256);
  }
  return image;
}

int countFrames(FrameSource& source, int& width) {
  int frames = 0;
  CapturedFrame frame;
  while (source.read(frame) == ReadStatus::Frame) {
    width = frame.image.width();
    EXPECT_EQ(frame.index, frames);
    ++frames;
  }
  return frames;
}

TEST(FrameSourceTest, SpecsAreRecognised) {
  test::ScratchDir dir;
  test::writeText(dir.file("clip.mp4"), "x");
  EXPECT_EQ(parseSourceSpec("0").kind, SourceKind::Camera);
  EXPECT_EQ(parseSourceSpec("0").cameraIndex, 0);
  EXPECT_EQ(parseSourceSpec("/dev/video2").kind, SourceKind::Camera);
  EXPECT_EQ(parseSourceSpec("rtsp://192.0.2.1/stream").kind, SourceKind::Stream);
  EXPECT_EQ(parseSourceSpec("http://192.0.2.1/video.mjpg").kind, SourceKind::Stream);
  EXPECT_EQ(parseSourceSpec(dir.path()).kind, SourceKind::ImageFolder);
  EXPECT_EQ(parseSourceSpec(dir.file("clip.mp4")).kind, SourceKind::VideoFile);
  EXPECT_TRUE(contains(test::errorMessage([&] { parseSourceSpec(dir.file("missing.mp4")); }), "missing.mp4"));
}

TEST(FrameSourceTest, DamagedVideoAndMissingCameraAreRefusedByName) {
  test::ScratchDir dir;
  test::writeText(dir.file("notes.mp4"), "this is not a video");
  const std::string video = test::errorMessage([&] { openFrameSource(dir.file("notes.mp4")); });
  EXPECT_TRUE(contains(video, "notes.mp4")) << video;
  EXPECT_TRUE(contains(video, "not a readable video")) << video;
  const std::string camera = test::errorMessage([&] { openFrameSource("/dev/video99"); });
  EXPECT_TRUE(contains(camera, "camera /dev/video99")) << camera;
}

TEST(FrameSourceTest, ImageFolderPlaysInNameOrderAndSkipsBadFiles) {
  test::ScratchDir dir;
  saveImage(dir.file("b.png"), greyRamp(64, 48, 2));
  saveImage(dir.file("a.png"), greyRamp(32, 24, 1));
  test::writeText(dir.file("c.jpg"), "truncated");
  test::writeText(dir.file("readme.txt"), "not an image, not even tried");
  auto source = openFrameSource(dir.path());
  EXPECT_FALSE(source->isLive());
  CapturedFrame frame;
  ASSERT_EQ(source->read(frame), ReadStatus::Frame);
  EXPECT_EQ(frame.image.width(), 32);  // a.png first
  ASSERT_EQ(source->read(frame), ReadStatus::Frame);
  EXPECT_EQ(frame.image.width(), 64);
  EXPECT_EQ(source->read(frame), ReadStatus::EndOfStream);
  ASSERT_EQ(source->skipped().size(), 1u);
  EXPECT_TRUE(contains(source->skipped()[0], "c.jpg"));
  EXPECT_TRUE(contains(test::errorMessage([&] {
                         test::ScratchDir empty;
                         openFrameSource(empty.path());
                       }),
                       "has no images"));
}

TEST(VideoFileWriterTest, WrittenVideoPlaysBackFrameForFrame) {
  test::ScratchDir dir;
  for (const std::string name : {"out.avi", "out.mp4"}) {
    VideoFileWriter writer(dir.file(name), 25);
    for (int i = 0; i < 12; ++i) writer.write(greyRamp(160, 120, i * 10));
    writer.close();
    EXPECT_EQ(writer.framesWritten(), 12);
    auto source = openFrameSource(dir.file(name));
    EXPECT_NEAR(source->framesPerSecond(), 25.0, 0.01) << name;
    int width = 0;
    EXPECT_EQ(countFrames(*source, width), 12) << name;
    EXPECT_EQ(width, 160) << name;
  }
}

TEST(VideoFileWriterTest, UnfinishedVideoLeavesTheOldOneInPlace) {
  test::ScratchDir dir;
  test::writeText(dir.file("out.avi"), "the previous video");
  {
    VideoFileWriter writer(dir.file("out.avi"), 25);
    writer.write(greyRamp(64, 48, 0));
    // Destroyed without close(): the run was interrupted.
  }
  EXPECT_EQ(test::readBytes(dir.file("out.avi")).size(), std::string("the previous video").size());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "a partial file was left behind";
  EXPECT_TRUE(contains(test::errorMessage([&] { VideoFileWriter(dir.file("out.gif"), 25); }), "use .mp4 or .avi"));
}

}  // namespace
}  // namespace siamese
