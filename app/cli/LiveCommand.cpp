// siamese live: names the faces in a camera, video file, stream or image
// folder, optionally writing an annotated video and a log of who appeared
// and left.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "gallery/MatchThreshold.h"
#include "live/FrameAnnotator.h"
#include "live/UnknownVisitors.h"
#include "session/LivePipeline.h"
#include "session/Session.h"
#include "live/VideoFileWriter.h"

namespace siamese::cli {
namespace {

struct LiveArgs {
  std::string source, gallery, model, out, events, unknowns, detector = "hog", device = "auto";
  int minFace = 60;
  int maxDetectSide = 0;
  int detectEvery = 3;
  bool detectInBackground = defaultDetectInBackground();
  int embedEvery = LiveOptions{}.embedEvery;
  int threads = 1;
  double threshold = -1;
  std::int64_t maxFrames = 0;
  bool quiet = false;
};


void printEvent(const PresenceEvent& e) {
  std::printf("%8.2fs  %-8s %-30s track %d  distance %.3f\n", e.time,
              e.kind == PresenceKind::Appeared ? "appeared" : "left", e.name.c_str(), e.trackId, e.distance);
}

// What `siamese live` does with each processed frame: events to the
// terminal and the events file, the annotated frame to the video, a
// frames/s line every two seconds, and the stage timings for the summary.
class LiveOutput {
 public:
  LiveOutput(const LiveArgs& args, double sourceFramesPerSecond) : m_args(args) {
    if (!args.out.empty()) m_video.emplace(args.out, sourceFramesPerSecond);
    if (!args.events.empty()) {
      m_events.open(args.events, std::ios::trunc);
      if (!m_events) throw Error(args.events + ": cannot write the events file");
      // Who was seen when: owner-only, like every file the program writes.
      std::filesystem::permissions(args.events, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
  }

  void logEvents(const std::vector<PresenceEvent>& list) {
    for (const PresenceEvent& e : list) {
      if (!m_args.quiet) printEvent(e);
      if (m_events.is_open()) m_events << toJsonLine(e) << '\n' << std::flush;
    }
  }

  void onFrame(CapturedFrame& frame, const LiveFrameResult& result) {
    m_timings.add(result.timings);
    m_detectionFrames += result.detectionFrame ? 1 : 0;
    logEvents(result.events);
    const auto now = std::chrono::steady_clock::now();
    const double sinceReport = std::chrono::duration<double>(now - m_lastReport).count();
    const double framesPerSecond = sinceReport > 0 ? double(m_timings.frames() - m_framesAtReport) / sinceReport : 0;
    if (m_video) {
      AnnotateOptions annotate;
      annotate.framesPerSecond = framesPerSecond;
      annotateFrame(frame.image, result, annotate);
      m_video->write(frame.image);
    }
    if (sinceReport >= 2.0 && !m_args.quiet) {
      std::fprintf(stderr, "frame %lld: %.1f frames/s, %zu face(s)\n", static_cast<long long>(result.frameIndex),
                   framesPerSecond, result.faces.size());
      m_lastReport = now;
      m_framesAtReport = m_timings.frames();
    }
  }

  void printSummary(const LiveSessionStats& stats, const FrameSource& source) {
    if (m_video) m_video->close();
    const StageTimings s = m_timings.mean();
    std::printf("%lld frames processed in %.1f s (%.1f frames/s), %lld captured, %lld stale frames dropped\n",
                static_cast<long long>(stats.processed), stats.seconds, stats.framesPerSecond(),
                static_cast<long long>(stats.captured), static_cast<long long>(stats.dropped));
    std::printf("mean ms per frame: capture %.2f, detect %.2f (on %lld frames), align %.2f, embed %.2f, match %.2f, "
                "processing %.2f\n",
                s.captureMs, s.detectMs, static_cast<long long>(m_detectionFrames), s.alignMs, s.embedMs, s.matchMs,
                s.totalMs);
    for (const std::string& file : source.skipped()) std::printf("skipped (unreadable): %s\n", file.c_str());
    if (m_video) std::printf("annotated video: %s\n", m_args.out.c_str());
    if (m_events.is_open()) std::printf("events: %s\n", m_args.events.c_str());
  }

 private:
  const LiveArgs& m_args;
  std::optional<VideoFileWriter> m_video;
  std::ofstream m_events;
  StageTimingMeans m_timings;
  std::int64_t m_detectionFrames = 0;
  std::chrono::steady_clock::time_point m_lastReport = std::chrono::steady_clock::now();
  std::int64_t m_framesAtReport = 0;
};

LivePipelineSettings pipelineSettingsOf(const LiveArgs& args) {
  LivePipelineSettings live;
  live.source = args.source;
  live.detector = args.detector;
  live.minFace = args.minFace;
  live.maxDetectSide = args.maxDetectSide;
  live.detectEvery = args.detectEvery;
  live.detectInBackground = args.detectInBackground;
  live.embedEvery = args.embedEvery;
  live.threads = args.threads;
  live.loop.maxFrames = args.maxFrames;
  return live;
}

void runLive(const LiveArgs& args) {
  SessionSettings settings;
  settings.galleryOpening = GalleryOpening::MustExist;  // a mistyped --gallery is not a new, empty gallery
  settings.modelPath = args.model;
  settings.galleryPath = args.gallery;
  settings.device = parseDevice(args.device);
  if (args.threshold >= 0) settings.threshold = args.threshold;
  Session session(settings);
  LivePipeline pipeline(session, pipelineSettingsOf(args));
  FrameSource& source = pipeline.source();
  if (pipeline.galleryReferences() == 0) {
    std::fprintf(stderr, "note: the gallery %s has no embeddings for model %s; every face will be unknown\n",
                 session.galleryPath().c_str(), pipeline.model().metadata().modelId.c_str());
  }
  std::fprintf(stderr, "threshold %.4f (%s)\n", pipeline.threshold().value, pipeline.threshold().source.c_str());
  std::fprintf(stderr, "reading %s on %s; detecting every %d frame(s)%s\n", source.description().c_str(),
               pipeline.model().deviceName().c_str(), pipeline.options().detectEvery,
               pipeline.options().detectInBackground ? " on a second core" : "");

  LiveOutput output(args, source.framesPerSecond());
  std::optional<UnknownVisitors> visitors;
  if (!args.unknowns.empty()) visitors.emplace(distanceOf(pipeline.model()), pipeline.threshold().value);
  LiveSessionCallbacks callbacks;
  callbacks.onFrame = [&](CapturedFrame& frame, const LiveFrameResult& result) {
    if (visitors) visitors->observe(frame.image, result);  // before the frame is drawn on
    output.onFrame(frame, result);
  };
  callbacks.onStatus = [](const std::string& status) { std::fprintf(stderr, "%s\n", status.c_str()); };
  callbacks.onFinish = [&](const std::vector<PresenceEvent>& events) { output.logEvents(events); };
  const LiveSessionStats stats = pipeline.run(callbacks, interruptToken());
  output.printSummary(stats, source);
  if (visitors) {
    const std::vector<VisitorCluster> clusters = visitors->clusters();
    writeVisitors(args.unknowns, clusters, pipeline.threshold().value);
    std::printf("%zu unknown visitor(s) proposed as people: %s/visitors.json\n", clusters.size(), args.unknowns.c_str());
    for (const VisitorCluster& c : clusters) {
      std::printf("  visitor-%d: %zu track(s), %d looks, seen %.1f–%.1f s, %zu shots\n", c.id, c.trackIds.size(), c.looks,
                  c.firstSeen, c.lastSeen, c.shots.size());
    }
  }
  if (stats.sourceLost) throw Error(source.description() + " was lost and did not come back");
}

}  // namespace

void addLiveCommand(CLI::App& app) {
  auto args = std::make_shared<LiveArgs>();
  CLI::App* cmd = app.add_subcommand("live", "Name the faces in a camera, video, stream or image folder");
  cmd->add_option("--source", args->source, "Camera index or device (0, /dev/video0), video file, rtsp/http URL, or image folder")
      ->required();
  cmd->add_option("--gallery", args->gallery, "Gallery database (default: ~/.local/share/siamese-studio/gallery.db)");
  cmd->add_option("-m,--model", args->model, "Model bundle (default: the face tower when imported, else our own model)");
  cmd->add_option("--out", args->out, "Write the annotated video here (.mp4 or .avi)");
  cmd->add_option("--events", args->events, "Write one JSON line per person appearing or leaving here");
  cmd->add_option("--unknowns", args->unknowns,
                  "Write the faces that stayed unknown here, clustered into proposed people (a folder per "
                  "visitor with their best shots, and visitors.json)");
  cmd->add_option("--detector", args->detector, "hog, haar or mmod")->capture_default_str();
  cmd->add_option("--min-face", args->minFace, "Smallest face to find, px")->capture_default_str()->check(CLI::Range(8, 4096));
  cmd->add_option("--max-detect-side", args->maxDetectSide, "Detect on a copy downscaled to this longer side (0: full size)")
      ->capture_default_str()
      ->check(CLI::Range(0, 20000));
  cmd->add_option("--detect-every", args->detectEvery, "Run the detector on every n-th frame, track in between")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--background-detection", args->detectInBackground,
                  "Detect on a second core while the frames in between are tracked (on/off; default: on when there "
                  "is a second core); new faces then appear --detect-every frames later")
      ->capture_default_str();
  cmd->add_option("--embed-every", args->embedEvery,
                  "Embed a face whose name is decided on every n-th frame only (new faces: every frame)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--threshold", args->threshold, "Decision threshold (default: the gallery's calibrated one, else the model's)");
  cmd->add_option("--max-frames", args->maxFrames, "Stop after this many frames (0: until the source ends)");
  cmd->add_option("--device", args->device, "auto, cpu or cuda")->capture_default_str();
  cmd->add_option("--threads", args->threads, "LibTorch threads for embedding (0: every core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  cmd->add_flag("-q,--quiet", args->quiet, "Print only the summary");
  cmd->callback([args] { runLive(*args); });
}

}  // namespace siamese::cli
