#pragma once
/// \file VideoFileWriter.h
/// Writes annotated frames to a video file (.mp4: MPEG-4 part 2, .avi:
/// Motion JPEG). Frames go to a temporary file beside the target, which
/// replaces the target only when the video is closed complete, so an
/// earlier video of the same name is not lost to an interrupted run.

#include <memory>
#include <string>

#include "common/Image.h"

namespace siamese {

class VideoFileWriter {
 public:
  /// throws Error when the extension has no encoder.
  VideoFileWriter(std::string path, double framesPerSecond);
  ~VideoFileWriter();  ///< discards an unfinished video

  /// Opens the file on the first frame (its size sets the video's).
  /// throws Error when the file cannot be written (no space, no permission).
  void write(const Image& frame);
  /// Finishes the video and moves it into place. throws Error on failure.
  void close();

  std::int64_t framesWritten() const { return m_frames; }

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::int64_t m_frames = 0;
};

}  // namespace siamese
