// bench_live: frames per second and milliseconds per stage of the live
// pipeline on 640×480 frames with 1 and with 5 faces, detecting on every
// frame or every n-th frame with tracking in between, on the processing
// thread or on a second core (its faces arriving n frames late). Frames are rendered
// beforehand (a generated scene of LFW faces) so the figures are the
// pipeline's own, not the camera's.
//
//   bench_live [--model bundle] [--frames 150] [--threads 1 (LibTorch threads; 0: all cores)] [--save-frame annotated.png]

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/opencv/cv_image.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "common/DefaultPaths.h"
#include "common/Error.h"
#include "gallery/Enrolment.h"
#include "live/FrameAnnotator.h"
#include "live/LiveRecognizer.h"
#include "live/SyntheticScene.h"
#include "vision/CvInterop.h"
#include "vision/FaceAligner.h"
#include "vision/ImageIO.h"
#include "vision/detail/LandmarkCascade.h"

namespace fs = std::filesystem;
using namespace siamese;

namespace {

std::string lfwPhoto(const std::string& person, int number) {
  char name[32];
  std::snprintf(name, sizeof name, "_%04d.jpg", number);
  return std::string(SIAMESE_SHARED_DATA_DIR) + "/lfw/images/" + person + "/" + person + name;
}

const char* const kPeople[] = {"Jacques_Chirac", "Jennifer_Capriati", "Winona_Ryder", "Abdullah_Gul", "Gray_Davis"};

// 1 face: one actor drifting across; 5 faces: two rows of slowly moving people.
SyntheticScene makeScene(int faces, int frames) {
  std::vector<SceneActor> actors;
  const float xs[] = {110, 320, 530, 215, 425};
  const float ys[] = {130, 130, 130, 345, 345};
  for (int i = 0; i < faces; ++i) {
    SceneActor a;
    a.photo = loadImage(lfwPhoto(kPeople[i], 5));
    a.label = kPeople[i];
    a.size = faces == 1 ? 230 : 190;
    a.fromX = faces == 1 ? 220 : xs[i];
    a.toX = faces == 1 ? 420 : xs[i] + (i % 2 ? -15 : 15);
    a.fromY = faces == 1 ? 220 : ys[i];
    a.toY = faces == 1 ? 260 : ys[i] + 10;
    a.firstFrame = 0;
    a.lastFrame = frames - 1;
    actors.push_back(std::move(a));
  }
  return SyntheticScene(640, 480, std::move(actors), 3);
}

struct Row {
  StageTimings mean;
  double fps = 0;
  double facesPerFrame = 0;
};

Row runOnce(Embedder& embedder, const GalleryIndex& gallery, const std::vector<Image>& frames, int detectEvery,
            int embedEvery, bool inBackground, int minFace, Image* annotated) {
  LiveOptions options;
  options.detector.minFaceSize = minFace;
  options.detectEvery = detectEvery;
  options.detectInBackground = inBackground;
  options.embedEvery = embedEvery;
  options.threshold = embedder.metadata().threshold.value;
  LiveRecognizer recognizer(embedder, gallery, options);
  Row row;
  StageTimingMeans timings;
  std::size_t faces = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    CapturedFrame frame{frames[i], std::int64_t(i), double(i) / 30.0, 0};
    const LiveFrameResult r = recognizer.process(frame);
    timings.add(r.timings);
    faces += r.faces.size();
    if (annotated && i + 1 == frames.size()) {
      *annotated = frames[i].clone();
      annotateFrame(*annotated, r);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double n = double(frames.size());
  row.mean = timings.mean();
  row.fps = n / seconds;
  row.facesPerFrame = double(faces) / n;
  return row;
}

// The landmark fit alone on one face of a frame, ours and dlib's own
// evaluation of the same model: the floor under the align column.
void printLandmarkFloor(const Image& frame) {
  const std::vector<FaceBox> faces = createFaceDetector({})->detect(frame);
  if (faces.empty()) return;
  const FaceBox& f = faces.front();
  const dlib::rectangle box(long(f.x), long(f.y), long(f.x + f.width) - 1, long(f.y + f.height) - 1);
  const cv::Mat image = detail::asMat(frame);
  const detail::LandmarkCascade ours(defaultLandmarkModelPath());
  dlib::shape_predictor dlibs;
  dlib::deserialize(defaultLandmarkModelPath()) >> dlibs;
  const int fits = 200;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < fits; ++i) ours.fit(image, box);
  const double oursMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / fits;
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < fits; ++i) dlibs(dlib::cv_image<dlib::bgr_pixel>(image), box);
  const double dlibMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / fits;
  std::printf("landmark fit alone, a %.0f px face: %.2f ms (dlib's own evaluation of the same model: %.2f ms)\n", f.width,
              oursMs, dlibMs);
  std::fflush(stdout);  // the tables below take a while
}

}  // namespace

int main(int argc, char** argv) {
  // The model the app would use: the face tower when imported, else ours.
  std::string model = defaultModelPath();
  std::string saveFrame;
  int frameCount = 150;
  int threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--model")) model = argv[i + 1];
    if (!std::strcmp(argv[i], "--frames")) frameCount = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--save-frame")) saveFrame = argv[i + 1];
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
  }
  try {
    configureTorchThreads(threads);
    auto embedder = Embedder::load(model);
    const fs::path galleryFile = fs::temp_directory_path() / ("bench-live-" + std::to_string(::getpid()) + ".db");
    GalleryIndex gallery;
    {
      GalleryStore store(galleryFile.string());
      Enroller enroller(store, *embedder);
      for (const char* person : kPeople) {
        const auto id = store.addPerson(person);
        for (int photo = 1; photo <= 3; ++photo) enroller.enrolFile(id, lfwPhoto(person, photo));
      }
      gallery = loadGalleryIndex(store, *embedder);
    }
    fs::remove(galleryFile);
    std::printf("live pipeline on %s, model %s (%d px %s crops), %zu gallery references, %d frames of 640x480\n",
                embedder->deviceName().c_str(), embedder->metadata().modelId.c_str(),
                embedder->metadata().input.cropSize, embedder->metadata().input.channels == 3 ? "colour" : "grey",
                gallery.matcher->size(), frameCount);
    // The embedder alone, on crops of the model's size: the floor under
    // the embed column below.
    for (int torchThreads : {1, 2}) {
      configureTorchThreads(torchThreads);
      for (int batch : {1, 5}) {
        const int size = embedder->metadata().input.cropSize;
        std::vector<Image> crops(std::size_t(batch), Image(size, size, embedder->metadata().input.channels));
        embedder->embed(crops);  // warm-up: first calls set up kernels
        const int calls = 50;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < calls; ++i) embedder->embed(crops);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::printf("embedding alone, %d LibTorch thread(s), batch of %d: %.2f ms per call, %.2f ms per face\n",
                    torchThreads, batch, ms / calls, ms / calls / batch);
      }
    }
    configureTorchThreads(threads);
    printLandmarkFloor(makeScene(1, 1).render(0));
    std::printf("%5s %-22s %-11s %-13s %8s %7s %9s %8s %8s %8s %8s\n", "faces", "detection", "detector on",
                "embedding", "frames/s", "faces", "detect", "align", "embed", "match", "total ms");
    // Detection every n-th frame × embedding every frame or, once a track's
    // name is decided, every 3rd (LiveOptions' default); the default also
    // with the detector on a second core.
    struct Setting {
      int embedEvery;
      bool inBackground;
    };
    for (int faces : {1, 5}) {
      const SyntheticScene scene = makeScene(faces, frameCount);
      std::vector<Image> frames;
      for (int f = 0; f < frameCount; ++f) frames.push_back(scene.render(f));
      for (int every : {1, 3, 5}) {
        for (const Setting setting : {Setting{1, false}, Setting{3, false}, Setting{3, true}}) {
          Image annotated;
          const bool saveThis = faces == 5 && every == 3 && setting.embedEvery == 3 && !setting.inBackground;
          const Row row = runOnce(*embedder, gallery, frames, every, setting.embedEvery, setting.inBackground,
                                  faces == 1 ? 80 : 60, saveThis && !saveFrame.empty() ? &annotated : nullptr);
          const std::string how =
              every == 1 ? "every frame" : "every " + std::to_string(every) + (every == 3 ? "rd" : "th") + " + tracking";
          const std::string embedHow =
              setting.embedEvery == 1 ? "every frame" : "decided: 1/" + std::to_string(setting.embedEvery);
          std::printf("%5d %-22s %-11s %-13s %8.1f %7.2f %9.2f %8.2f %8.2f %8.2f %8.2f\n", faces, how.c_str(),
                      setting.inBackground ? "2nd core" : "this thread", embedHow.c_str(), row.fps,
                      row.facesPerFrame, row.mean.detectMs, row.mean.alignMs, row.mean.embedMs, row.mean.matchMs,
                      row.mean.totalMs);
          std::fflush(stdout);
          if (!annotated.empty()) saveImage(saveFrame, annotated);
        }
      }
    }
    std::printf("(stage figures are means over all frames; detection runs only on its frames, and on a second core "
                "'detect' is the processing thread's wait for it)\n");
  } catch (const Error& e) {
    std::fprintf(stderr, "bench_live: %s\n", e.what());
    return 1;
  }
  return 0;
}
