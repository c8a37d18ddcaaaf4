#pragma once
/// \file FrameSource.h
/// Where live frames come from: a camera (by index or device path), a video
/// file, an RTSP/HTTP stream, or a folder of images. End of stream and a
/// source that disappears are reported as statuses, never as crashes; a
/// camera or stream that comes back can be reopened.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/Image.h"

namespace siamese {

enum class SourceKind { Camera, VideoFile, Stream, ImageFolder };

/// A parsed --source: "0" or "/dev/video0" (camera), "rtsp://…" or
/// "http(s)://…" (stream), an existing folder (images), else a video file.
struct SourceSpec {
  SourceKind kind = SourceKind::VideoFile;
  std::string location;  ///< path, URL or device
  int cameraIndex = -1;  ///< for "0", "1", …
};

/// throws FileError for a path that does not exist.
SourceSpec parseSourceSpec(const std::string& text);
std::string sourceKindName(SourceKind kind);

struct CapturedFrame {
  Image image;             ///< BGR
  std::int64_t index = 0;  ///< 0, 1, 2, … in capture order
  double timestamp = 0;    ///< seconds: media time for files, since opening for live sources
  double captureMs = 0;    ///< time spent reading and decoding it
};

enum class ReadStatus {
  Frame,        ///< a frame was read
  EndOfStream,  ///< a file or folder has no more frames
  Lost,         ///< a camera or stream stopped delivering (unplugged, network)
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;

  /// Reads the next frame. Never throws for a source that fails mid-way:
  /// the status says what happened.
  virtual ReadStatus read(CapturedFrame& frame) = 0;

  /// Tries to open the source again after Lost; true when it is back.
  virtual bool reopen() { return false; }

  /// True for cameras and streams: frames arrive in real time whether or
  /// not they are consumed, so stale ones should be dropped.
  virtual bool isLive() const = 0;

  /// Frames per second the source claims (0 when unknown).
  virtual double framesPerSecond() const { return 0; }

  /// For messages: "camera 0", "video clip.mp4", "folder photos/ (12 images)".
  virtual std::string description() const = 0;

  /// Files a folder source skipped because they could not be decoded.
  virtual std::vector<std::string> skipped() const { return {}; }
};

/// Opens a source. throws Error naming it when it cannot be opened (no such
/// camera, unreadable video, empty folder, stream unreachable).
std::unique_ptr<FrameSource> openFrameSource(const SourceSpec& spec);
std::unique_ptr<FrameSource> openFrameSource(const std::string& text);

/// Video devices present on this machine (/dev/video*), for pickers and
/// for saying "no camera" clearly.
std::vector<std::string> listCameraDevices();

}  // namespace siamese
