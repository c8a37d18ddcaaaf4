#include "prep/FacePreparer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>
#include <unordered_set>

#include "common/Error.h"
#include "data/FaceCache.h"
#include "vision/ImageIO.h"
#include "vision/CvInterop.h"

namespace siamese {
namespace {

// Among faces at least 30% the area of the largest (so a small face in the
// background never wins), the one whose centre is nearest the photo's.
std::size_t chooseFace(const std::vector<FaceBox>& faces, int width, int height, MultiFacePolicy policy) {
  float largest = 0;
  std::size_t largestIndex = 0;
  for (std::size_t i = 0; i < faces.size(); ++i) {
    if (faces[i].area() > largest) {
      largest = faces[i].area();
      largestIndex = i;
    }
  }
  if (policy == MultiFacePolicy::Largest) return largestIndex;
  std::size_t best = largestIndex;
  float bestDistance = INFINITY;
  for (std::size_t i = 0; i < faces.size(); ++i) {
    if (faces[i].area() < 0.3f * largest) continue;
    const float d = std::hypot(faces[i].centerX() - width / 2.0f, faces[i].centerY() - height / 2.0f);
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

}  // namespace

FacePreparer::FacePreparer(const PrepareOptions& options, bool facePhotos)
    : m_options(options), m_facePhotos(facePhotos) {
  if (m_facePhotos) {
    m_detector = createFaceDetector(options.detector);
    if (options.secondChance) m_secondChance = createFaceDetector(*options.secondChance);
    m_aligner = std::make_unique<FaceAligner>(options.align);
  }
}

FacePreparer::FacePreparer(const FacePreparer& other)
    : m_options(other.m_options),
      m_facePhotos(other.m_facePhotos),
      m_detector(other.m_detector ? other.m_detector->clone() : nullptr),
      m_secondChance(other.m_secondChance ? other.m_secondChance->clone() : nullptr),
      m_aligner(other.m_aligner ? std::make_unique<FaceAligner>(*other.m_aligner) : nullptr) {}

FacePreparer::~FacePreparer() = default;

std::unique_ptr<FacePreparer> FacePreparer::clone() const {
  return std::unique_ptr<FacePreparer>(new FacePreparer(*this));
}

PreparedFace FacePreparer::resizeWhole(const Image& photo) const {
  const int size = m_options.align.cropSize;
  cv::Mat resized;
  const cv::Mat source = detail::asMat(photo);
  const bool shrinking = source.cols > size || source.rows > size;
  cv::resize(source, resized, cv::Size(size, size), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  if (!m_options.align.colour && resized.channels() == 3) cv::cvtColor(resized, resized, cv::COLOR_BGR2GRAY);
  if (m_options.align.colour && resized.channels() == 1) cv::cvtColor(resized, resized, cv::COLOR_GRAY2BGR);
  PreparedFace result;
  result.ok = true;
  result.facesFound = 1;
  result.box = FaceBox{0, 0, float(photo.width()), float(photo.height()), 1};
  result.face.crop = detail::fromMat(resized);
  return result;
}

PreparedFace FacePreparer::prepare(const Image& photo) {
  PreparedFace result;
  if (photo.empty()) {
    result.failure = "empty image";
    return result;
  }
  if (!m_facePhotos) return resizeWhole(photo);

  Image searched = photo;
  float offset = 0;
  std::vector<FaceBox> faces = m_detector->detect(photo);
  if (faces.empty() && m_options.retryWithBorder && m_options.detector.kind != DetectorKind::None) {
    // Pad with the photo's mean colour: a replicated edge would draw streaks
    // that look like hair or a collar to the detector.
    const cv::Mat source = detail::asMat(photo);
    // A quarter of the longer side, but never more than half the shorter:
    // a 20000x20 strip would otherwise grow to 30000x10020 pixels.
    const int border = std::min(std::max(source.cols, source.rows) / 4, std::min(source.cols, source.rows) / 2);
    cv::Mat padded;
    cv::copyMakeBorder(source, padded, border, border, border, border, cv::BORDER_CONSTANT, cv::mean(source));
    searched = detail::fromMat(padded);
    offset = float(border);
    faces = m_detector->detect(searched);
  }
  if (faces.empty() && m_secondChance) {
    searched = photo;
    offset = 0;
    faces = m_secondChance->detect(photo);
  }
  result.facesFound = int(faces.size());
  for (FaceBox b : faces) {
    b.x -= offset;
    b.y -= offset;
    result.faces.push_back(b);
  }
  if (faces.empty()) {
    result.failure = "no face found";
    return result;
  }
  if (faces.size() > 1 && m_options.multiFace == MultiFacePolicy::Refuse) {
    result.failure = std::to_string(faces.size()) + " faces found; exactly one was expected";
    return result;
  }
  const FaceBox box = faces[chooseFace(faces, searched.width(), searched.height(), m_options.multiFace)];
  result.face = m_aligner->align(searched, box);
  result.box = box;
  result.box.x -= offset;
  result.box.y -= offset;
  for (Point2f& p : result.face.landmarks) {
    if (result.face.aligned) {
      p.x -= offset;
      p.y -= offset;
    }
  }
  result.ok = true;
  return result;
}

AlignedFace FacePreparer::alignFace(const Image& photo, const FaceBox& box) const {
  if (!m_aligner) throw Error("alignment is only for face photos");
  return m_aligner->align(photo, box);
}

PrepareSummary prepareDataset(const Dataset& dataset, const std::string& cachePath,
                              const PrepareOptions& options, bool retryFailures,
                              const ProgressFn& progress, const StopToken* stop) {
  CacheSettings settings;
  settings.cropSize = options.align.cropSize;
  settings.channels = options.align.colour ? 3 : 1;
  settings.alignedFaces = dataset.facePhotos;
  settings.detector = dataset.facePhotos ? detectorKindName(options.detector.kind) : "none";
  settings.padding = dataset.facePhotos ? options.align.padding : 0.0f;
  settings.datasetRoot = dataset.root;
  settings.alignment = dataset.facePhotos ? alignMethodName(options.align.method) : "none";

  FaceCacheWriter writer(cachePath, settings, /*resume=*/true);
  const auto done = writer.existingSources(!retryFailures);

  PrepareSummary summary;
  summary.photos = dataset.samples.size();
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < dataset.samples.size(); ++i) {
    if (done.count(dataset.samples[i].source)) {
      ++summary.alreadyDone;
    } else {
      todo.push_back(i);
    }
  }
  if (todo.empty()) return summary;

  // Load the models once; workers get cheap clones.
  const FacePreparer prototype(options, dataset.facePhotos);
  const int threads = std::max(1, std::min<int>(options.threads > 0 ? options.threads
                                                                    : int(std::thread::hardware_concurrency()),
                                                int(todo.size())));
  // Our workers already use every core; OpenCV's own pool would only contend.
  const int cvThreads = cv::getNumThreads();
  cv::setNumThreads(1);

  std::atomic<std::size_t> next{0};
  std::mutex mutex;  // guards writer, summary, throttle, firstError
  std::string firstError;
  ProgressThrottle throttle;
  auto lastFlush = std::chrono::steady_clock::now();
  const auto start = std::chrono::steady_clock::now();

  auto worker = [&] {
    auto preparer = prototype.clone();
    for (;;) {
      if (stop && stop->stopRequested()) return;
      const std::size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      const Sample& sample = dataset.samples[todo[k]];
      PreparedFace prepared;
      try {
        const Image photo = sample.pixels ? *sample.pixels : loadImage(sample.source);
        prepared = preparer->prepare(photo);
      } catch (const FileError& e) {
        prepared.failure = e.reason();
      } catch (const std::exception& e) {
        prepared.failure = e.what();
      }

      std::lock_guard<std::mutex> lock(mutex);
      if (!firstError.empty()) return;
      try {
        const std::string& person = dataset.people[std::size_t(sample.person)];
        if (prepared.ok) {
          CachedFace face;
          face.source = sample.source;
          face.score = prepared.box.score;
          face.aligned = prepared.face.aligned;
          face.facesFound = prepared.facesFound;
          for (std::size_t i = 0; i < 5; ++i) {
            face.landmarks[2 * i] = prepared.face.landmarks[i].x;
            face.landmarks[2 * i + 1] = prepared.face.landmarks[i].y;
          }
          const Image crop = prepared.face.crop.clone();  // tightly packed
          writer.addFace(face, person, crop.data());
          ++(prepared.face.aligned || !dataset.facePhotos ? summary.aligned : summary.unaligned);
          if (prepared.facesFound > 1) ++summary.severalFaces;
        } else {
          writer.addFailure(CachedFailure{sample.source, person, prepared.failure});
          ++summary.failed;
        }
        ++summary.processed;
        const auto now = std::chrono::steady_clock::now();
        if (now - lastFlush > std::chrono::seconds(3)) {
          writer.flush();
          lastFlush = now;
        }
        if (progress && (throttle.due() || summary.processed == todo.size())) {
          const double elapsed = std::chrono::duration<double>(now - start).count();
          progress(Progress{summary.processed, todo.size(),
                            elapsed > 0 ? double(summary.processed) / elapsed : 0.0,
                            std::to_string(summary.failed) + " failed"});
        }
      } catch (const std::exception& e) {
        firstError = e.what();
      }
    }
  };

  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& thread : pool) thread.join();
  cv::setNumThreads(cvThreads);

  if (!firstError.empty()) throw Error(firstError);
  writer.flush();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.photosPerSecond = summary.seconds > 0 ? double(summary.processed) / summary.seconds : 0;
  summary.stopped = summary.processed < todo.size();
  return summary;
}

}  // namespace siamese
