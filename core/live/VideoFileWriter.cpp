#include "live/VideoFileWriter.h"

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "common/Error.h"
#include "vision/CvInterop.h"

namespace fs = std::filesystem;

namespace siamese {

struct VideoFileWriter::Impl {
  std::string path;
  std::string partialPath;
  double fps = 25;
  int fourcc = 0;
  cv::Size size;
  cv::VideoWriter writer;
};

VideoFileWriter::VideoFileWriter(std::string path, double framesPerSecond) : m_impl(std::make_unique<Impl>()) {
  const fs::path target(path);
  const std::string ext = target.extension().string();
  if (ext == ".mp4" || ext == ".m4v") {
    m_impl->fourcc = cv::VideoWriter::fourcc('m', 'p', '4', 'v');
  } else if (ext == ".avi") {
    m_impl->fourcc = cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
  } else {
    throw Error(path + ": cannot write video in the '" + ext + "' format; use .mp4 or .avi");
  }
  m_impl->path = std::move(path);
  // Same extension, so the container is chosen the same way.
  m_impl->partialPath = (target.parent_path() / ("." + target.stem().string() + ".partial" + ext)).string();
  m_impl->fps = framesPerSecond > 0 ? framesPerSecond : 25;
}

VideoFileWriter::~VideoFileWriter() {
  if (m_impl->writer.isOpened()) {
    m_impl->writer.release();
    std::error_code ignored;
    fs::remove(m_impl->partialPath, ignored);
  }
}

void VideoFileWriter::write(const Image& frame) {
  cv::Mat mat = detail::asMat(frame);
  if (mat.channels() == 1) cv::cvtColor(mat, mat, cv::COLOR_GRAY2BGR);
  if (!m_impl->writer.isOpened()) {
    m_impl->size = mat.size();
    if (!m_impl->writer.open(m_impl->partialPath, cv::CAP_FFMPEG, m_impl->fourcc, m_impl->fps, m_impl->size, true)) {
      throw Error(m_impl->path + ": cannot create the video file (is the folder writable?)");
    }
    // Faces are biometric data: owner-only, like every file the program writes.
    std::error_code ignored;
    fs::permissions(m_impl->partialPath, fs::perms::owner_read | fs::perms::owner_write, ignored);
  }
  if (mat.size() != m_impl->size) cv::resize(mat, mat, m_impl->size);  // a camera that changed mode mid-way
  m_impl->writer.write(mat);
  ++m_frames;
}

void VideoFileWriter::close() {
  if (!m_impl->writer.isOpened()) return;
  m_impl->writer.release();
  std::error_code error;
  const auto size = fs::file_size(m_impl->partialPath, error);
  if (error || size == 0) {
    fs::remove(m_impl->partialPath, error);
    throw Error(m_impl->path + ": the video could not be written (disk full?)");
  }
  fs::rename(m_impl->partialPath, m_impl->path, error);
  if (error) throw Error(m_impl->path + ": cannot move the finished video into place: " + error.message());
}

}  // namespace siamese
