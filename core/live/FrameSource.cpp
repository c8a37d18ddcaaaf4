#include "live/FrameSource.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "common/Error.h"
#include "data/Dataset.h"
#include "vision/ImageIO.h"
#include "vision/CvInterop.h"

namespace fs = std::filesystem;

namespace siamese {
namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

bool isAllDigits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Cameras, files and streams all go through OpenCV's VideoCapture; they
// differ in how they are opened, timed and recovered.
class CaptureSource : public FrameSource {
 public:
  explicit CaptureSource(SourceSpec spec) : m_spec(std::move(spec)) {
    if (!open()) throw Error("cannot open " + description() + hint());
    m_fps = m_capture.get(cv::CAP_PROP_FPS);
  }

  ReadStatus read(CapturedFrame& frame) override {
    const auto start = Clock::now();
    cv::Mat mat;
    bool ok = false;
    try {
      ok = m_capture.isOpened() && m_capture.read(mat) && !mat.empty();
    } catch (const cv::Exception&) {
      ok = false;
    }
    if (!ok) return m_spec.kind == SourceKind::VideoFile ? ReadStatus::EndOfStream : ReadStatus::Lost;
    if (mat.channels() == 1) cv::cvtColor(mat, mat, cv::COLOR_GRAY2BGR);
    if (mat.channels() == 4) cv::cvtColor(mat, mat, cv::COLOR_BGRA2BGR);
    frame.image = detail::fromMat(mat);
    frame.index = m_next++;
    frame.timestamp = timestampOf(frame.index);
    frame.captureMs = millisecondsSince(start);
    return ReadStatus::Frame;
  }

  bool reopen() override {
    if (m_spec.kind == SourceKind::VideoFile) return false;
    m_capture.release();
    return open();
  }

  bool isLive() const override { return m_spec.kind != SourceKind::VideoFile; }
  double framesPerSecond() const override { return m_fps > 0 && m_fps < 1000 ? m_fps : 0; }

  std::string description() const override {
    switch (m_spec.kind) {
      case SourceKind::Camera:
        return m_spec.cameraIndex >= 0 ? "camera " + std::to_string(m_spec.cameraIndex) : "camera " + m_spec.location;
      case SourceKind::Stream: return "stream " + m_spec.location;
      default: return "video " + m_spec.location;
    }
  }

 private:
  bool open() {
    // Our own message says what failed; OpenCV's console warnings would
    // only repeat it in its terms.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
    try {
      if (m_spec.kind == SourceKind::Camera && m_spec.cameraIndex >= 0) {
        m_capture.open(m_spec.cameraIndex, cv::CAP_V4L2);
      } else if (m_spec.kind == SourceKind::Camera) {
        m_capture.open(m_spec.location, cv::CAP_V4L2);
      } else {
        // A stalled network stream must not block a stop request for long.
        m_capture.open(m_spec.location, cv::CAP_FFMPEG,
                       {cv::CAP_PROP_OPEN_TIMEOUT_MSEC, 10000, cv::CAP_PROP_READ_TIMEOUT_MSEC, 5000});
      }
    } catch (const cv::Exception&) {
      return false;
    }
    // Live timestamps count from the first opening, so they keep rising
    // across a reconnect.
    if (!m_everOpened) m_opened = Clock::now();
    m_everOpened = m_everOpened || m_capture.isOpened();
    return m_capture.isOpened();
  }

  std::string hint() const {
    switch (m_spec.kind) {
      case SourceKind::Camera:
        return listCameraDevices().empty() ? ": this machine has no camera (no /dev/video* device)"
                                           : ": the camera is missing or busy";
      case SourceKind::Stream: return ": the stream is unreachable or not a video";
      default: return ": not a readable video file (damaged, or an unsupported format)";
    }
  }

  double timestampOf(std::int64_t index) const {
    if (m_spec.kind == SourceKind::VideoFile) {
      // Media time, so event times match the file whatever the speed.
      return m_fps > 0 ? double(index) / m_fps : m_capture.get(cv::CAP_PROP_POS_MSEC) / 1000.0;
    }
    return millisecondsSince(m_opened) / 1000.0;
  }

  SourceSpec m_spec;
  cv::VideoCapture m_capture;
  double m_fps = 0;
  std::int64_t m_next = 0;
  Clock::time_point m_opened;
  bool m_everOpened = false;
};

// A folder of images, in name order, at a nominal 1 frame per image.
class ImageFolderSource : public FrameSource {
 public:
  explicit ImageFolderSource(std::string folder) : m_folder(std::move(folder)) {
    for (const auto& entry : fs::directory_iterator(m_folder)) {
      if (entry.is_regular_file() && hasImageExtension(entry.path().string())) m_files.push_back(entry.path().string());
    }
    std::sort(m_files.begin(), m_files.end());
    if (m_files.empty()) throw Error("the folder " + m_folder + " has no images to play");
  }

  ReadStatus read(CapturedFrame& frame) override {
    while (m_position < m_files.size()) {
      const auto start = Clock::now();
      const std::string& file = m_files[m_position++];
      try {
        Image image = loadImage(file);
        if (image.channels() == 1) image = greyToBgr(image);
        frame.image = image;
      } catch (const FileError&) {
        m_skipped.push_back(file);  // one bad photo does not end the show
        continue;
      }
      frame.index = m_next++;
      frame.timestamp = double(frame.index);
      frame.captureMs = millisecondsSince(start);
      return ReadStatus::Frame;
    }
    return ReadStatus::EndOfStream;
  }

  bool isLive() const override { return false; }
  std::string description() const override {
    return "folder " + m_folder + " (" + std::to_string(m_files.size()) + " images)";
  }
  std::vector<std::string> skipped() const override { return m_skipped; }

 private:
  static Image greyToBgr(const Image& grey) {
    cv::Mat bgr;
    cv::cvtColor(detail::asMat(grey), bgr, cv::COLOR_GRAY2BGR);
    return detail::fromMat(bgr);
  }

  std::string m_folder;
  std::vector<std::string> m_files;
  std::vector<std::string> m_skipped;
  std::size_t m_position = 0;
  std::int64_t m_next = 0;
};

}  // namespace

SourceSpec parseSourceSpec(const std::string& text) {
  SourceSpec spec;
  spec.location = text;
  if (isAllDigits(text)) {
    spec.kind = SourceKind::Camera;
    spec.cameraIndex = std::stoi(text);
  } else if (text.rfind("/dev/video", 0) == 0) {
    spec.kind = SourceKind::Camera;
  } else if (text.find("://") != std::string::npos) {
    spec.kind = SourceKind::Stream;
  } else if (fs::is_directory(text)) {
    spec.kind = SourceKind::ImageFolder;
  } else if (fs::exists(text)) {
    spec.kind = SourceKind::VideoFile;
  } else {
    throw FileError(text, "no such file, folder, camera or stream");
  }
  return spec;
}

std::string sourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::Camera: return "camera";
    case SourceKind::VideoFile: return "video file";
    case SourceKind::Stream: return "stream";
    case SourceKind::ImageFolder: return "image folder";
  }
  return "source";
}

std::unique_ptr<FrameSource> openFrameSource(const SourceSpec& spec) {
  if (spec.kind == SourceKind::ImageFolder) return std::make_unique<ImageFolderSource>(spec.location);
  return std::make_unique<CaptureSource>(spec);
}

std::unique_ptr<FrameSource> openFrameSource(const std::string& text) { return openFrameSource(parseSourceSpec(text)); }

std::vector<std::string> listCameraDevices() {
  std::vector<std::string> devices;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/dev", error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("video", 0) == 0 && isAllDigits(name.substr(5))) devices.push_back(entry.path().string());
  }
  std::sort(devices.begin(), devices.end());
  return devices;
}

}  // namespace siamese
