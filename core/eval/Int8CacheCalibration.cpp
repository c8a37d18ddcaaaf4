#include "eval/Int8CacheCalibration.h"

#include <algorithm>
#include <random>
#include <unordered_set>
#include <vector>

#include "common/Error.h"
#include "nn/Embedder.h"

namespace siamese {
namespace {

/// compareEmbeddings needs 3 photos to correlate their distances.
constexpr std::size_t kFewestCheckPhotos = 3;

/// Crops packed one after another, as the cache stores them.
std::vector<std::uint8_t> packedCrops(const FaceCache& cache, const std::vector<std::size_t>& faces) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(faces.size() * cache.bytesPerFace());
  for (std::size_t i : faces) bytes.insert(bytes.end(), cache.pixels(i), cache.pixels(i) + cache.bytesPerFace());
  return bytes;
}

}  // namespace

Int8CacheOutcome calibrateInt8OnCache(const BundleFile& bundle, const FaceCache& cache, const Int8CacheOptions& options) {
  const BundleMetadata& m = bundle.metadata;
  if (const std::string why = int8Unsupported(m.network); !why.empty()) throw Error(why);
  const std::unordered_set<std::string> trained(m.training.identities.begin(), m.training.identities.end());
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < cache.size(); ++i) {
    if (trained.empty() || trained.count(cache.people()[std::size_t(cache.faces()[i].person)])) candidates.push_back(i);
  }
  if (candidates.empty()) throw Error("the cache holds no photo of the people the model trained on to calibrate with");
  std::mt19937 random(1);
  std::shuffle(candidates.begin(), candidates.end(), random);
  // The check from the back of the shuffled list (a quarter of it at most,
  // so that a small cache is not all spent on it), the calibration from its
  // front: the check photos stay the same whatever the calibration's count,
  // so that two calibrations can be compared on them.
  const std::size_t checkCount = std::min(options.checkCrops, candidates.size() / 4);
  const std::size_t checkStart = candidates.size() - checkCount;
  const std::size_t calibrationCount = std::min(options.calibrationCrops, checkStart);
  const std::vector<std::size_t> calibrationFaces(candidates.begin(), candidates.begin() + calibrationCount);
  const std::vector<std::size_t> checkFaces(candidates.begin() + checkStart, candidates.end());

  const CacheSettings& s = cache.settings();
  const std::string description = std::to_string(calibrationCount) + " photos of " + s.datasetRoot +
                                  (trained.empty() ? "" : ", of people the model trained on");
  Int8CacheOutcome out;
  const std::vector<std::uint8_t> calibrationBytes = packedCrops(cache, calibrationFaces);
  out.calibration = calibrateInt8(bundle, calibrationBytes.data(), calibrationCount, s.cropSize, s.channels,
                                  description, options.ranges);
  if (options.checkCrops == 0) return out;
  const std::string needed = " (" + std::to_string(kFewestCheckPhotos) + " are needed)";
  if (options.checkCrops < kFewestCheckPhotos) {
    out.noCheckReason = std::to_string(options.checkCrops) + " check photos were asked for" + needed;
    return out;
  }
  if (checkFaces.size() < kFewestCheckPhotos) {
    out.noCheckReason = "a quarter of the cache's " + std::to_string(candidates.size()) + " photos" +
                        (trained.empty() ? "" : " of these people") + " is too few to check on" + needed;
    return out;
  }

  BundleFile integerBundle = bundle, floatBundle = bundle;
  integerBundle.metadata.int8 = out.calibration;
  floatBundle.metadata.int8 = {};
  integerBundle.metadata.bfloat16 = floatBundle.metadata.bfloat16 = false;  // compared with float32 itself
  const auto integers = Embedder::fromBundle(integerBundle, DevicePreference::Cpu);
  const auto floats = Embedder::fromBundle(floatBundle, DevicePreference::Cpu);
  const std::vector<std::uint8_t> checkBytes = packedCrops(cache, checkFaces);
  out.check = compareEmbeddings(integers->embedPacked(checkBytes.data(), checkFaces.size(), s.cropSize, s.channels),
                                floats->embedPacked(checkBytes.data(), checkFaces.size(), s.cropSize, s.channels));
  return out;
}

}  // namespace siamese
