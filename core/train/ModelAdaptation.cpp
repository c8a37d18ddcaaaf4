#include "train/ModelAdaptation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <unistd.h>

#include "common/Error.h"
#include "common/Random.h"
#include "eval/CropMatch.h"
#include "eval/Protocols.h"
#include "nn/Embedder.h"
#include "train/Trainer.h"

namespace siamese {
namespace {

// "Brad_Pitt" and "brad pitt" are one person.
std::string comparableName(std::string name) {
  for (char& c : name) c = c == '_' ? ' ' : char(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// Not requireMatchingCrops (a model against a cache): the two caches are
// packed into one, so their faces must be the same size and channels, which
// a model would resize or make grey. The trainer then checks the packed
// cache, which carries the gallery's settings, against the model.
void requireSameCrops(const FaceCache& gallery, const FaceCache& impostors) {
  const CacheSettings& a = gallery.settings();
  const CacheSettings& b = impostors.settings();
  // The padding too: crops with another margin put the features elsewhere,
  // and the packed cache would pass them off under the gallery's settings.
  if (a.cropSize != b.cropSize || a.channels != b.channels || a.alignment != b.alignment ||
      std::abs(a.padding - b.padding) > 1e-4f) {
    throw Error("the impostor faces are " + describeCrops(b) + ", the gallery's " + describeCrops(a) +
                ": prepare the impostors for this model");
  }
}

/// Impostor people split three ways: trained on, validated on (the epoch
/// and the threshold), and checked (never seen by the adaptation).
struct ImpostorSplit {
  std::vector<int> train, validate, check;  ///< people, indices into the impostor cache
};

ImpostorSplit splitImpostors(const FaceCache& gallery, const FaceCache& impostors, const AdaptationOptions& options) {
  std::set<std::string> galleryNames;
  for (const std::string& name : gallery.people()) galleryNames.insert(comparableName(name));
  const auto byPerson = impostors.facesByPerson();
  std::vector<int> people;
  for (std::size_t p = 0; p < byPerson.size(); ++p) {
    if (byPerson[p].size() >= 2 && !galleryNames.count(comparableName(impostors.people()[p]))) people.push_back(int(p));
  }
  Rng rng(options.seed);
  rng.shuffle(people);
  people.resize(std::min(people.size(), std::size_t(std::max(10, options.impostorPeople))));
  if (people.size() < 10) {
    throw Error("only " + std::to_string(people.size()) + " impostor people with two photos or more (and not in the "
                "gallery): adaptation needs at least 10");
  }
  ImpostorSplit split;
  const std::size_t trainEnd = people.size() * 6 / 10, validateEnd = people.size() * 8 / 10;
  split.train.assign(people.begin(), people.begin() + std::ptrdiff_t(trainEnd));
  split.validate.assign(people.begin() + std::ptrdiff_t(trainEnd), people.begin() + std::ptrdiff_t(validateEnd));
  split.check.assign(people.begin() + std::ptrdiff_t(validateEnd), people.end());
  return split;
}

/// The gallery's faces, then the impostors', in one cache the trainer can
/// read; removed when it goes.
class CombinedCache {
 public:
  CombinedCache(const std::string& folder, const FaceCache& gallery, const FaceCache& impostors,
                const std::vector<int>& impostorPeople, int photosPerImpostor)
      : m_path(folder + "/adaptation-" + std::to_string(::getpid()) + ".cache") {
    std::filesystem::create_directories(folder);
    CacheSettings settings = gallery.settings();
    settings.datasetRoot = "the gallery, and impostors from " + impostors.settings().datasetRoot;
    {
      FaceCacheWriter writer(m_path, settings, false);
      for (std::size_t i = 0; i < gallery.size(); ++i) {
        CachedFace face = gallery.faces()[i];
        face.source = "gallery:" + std::to_string(i);
        writer.addFace(face, gallery.people()[std::size_t(face.person)], gallery.pixels(i));
      }
      const auto byPerson = impostors.facesByPerson();
      for (int person : impostorPeople) {
        const auto& faces = byPerson[std::size_t(person)];
        for (std::size_t k = 0; k < faces.size() && k < std::size_t(photosPerImpostor); ++k) {
          const int i = faces[k];
          CachedFace face = impostors.faces()[std::size_t(i)];
          face.source = "impostor:" + std::to_string(i);
          writer.addFace(face, "impostor: " + impostors.people()[std::size_t(person)], impostors.pixels(std::size_t(i)));
        }
      }
      writer.flush();
    }
    m_cache = FaceCache::load(m_path);
    // Faces come back sorted by person: map the sources back to their indices.
    for (std::size_t i = 0; i < m_cache.size(); ++i) {
      const std::string& source = m_cache.faces()[i].source;
      const bool isGallery = source.rfind("gallery:", 0) == 0;
      const int original = std::stoi(source.substr(source.find(':') + 1));
      (isGallery ? m_fromGallery : m_fromImpostors)[original] = int(i);
    }
  }
  ~CombinedCache() { std::filesystem::remove(m_path); }
  CombinedCache(const CombinedCache&) = delete;
  CombinedCache& operator=(const CombinedCache&) = delete;

  const FaceCache& cache() const { return m_cache; }
  int galleryFace(int original) const { return m_fromGallery.at(original); }
  int impostorFace(int original) const { return m_fromImpostors.at(original); }

 private:
  std::string m_path;
  FaceCache m_cache;
  std::map<int, int> m_fromGallery, m_fromImpostors;
};

/// A model's embeddings of the references, the probes and the impostor photos.
class CheckSet {
 public:
  CheckSet(Embedder& embedder, const FaceCache& cache, const std::vector<int>& references, const std::vector<int>& probes)
      : m_embedder(embedder), m_cache(cache), m_references(references), m_probes(probes),
        m_referenceEmbeddings(embed(references)), m_probeEmbeddings(embed(probes)) {}

  /// Distances of each photo to its nearest reference.
  std::vector<double> nearestDistances(const std::vector<int>& faces) {
    std::vector<double> distances;
    for (const Embedding& e : embed(faces)) distances.push_back(nearest(e).first);
    return distances;
  }

  AdaptationCheck check(const std::vector<double>& impostorDistances, double threshold) {
    AdaptationCheck c;
    c.threshold = threshold;
    c.probes = m_probes.size();
    std::size_t right = 0, named = 0;
    for (std::size_t i = 0; i < m_probes.size(); ++i) {
      const auto [distance, r] = nearest(m_probeEmbeddings[i]);
      const bool same = r >= 0 && personOf(m_references[std::size_t(r)]) == personOf(m_probes[i]);
      right += same ? 1 : 0;
      named += same && distance <= threshold ? 1 : 0;
    }
    c.rank1 = c.probes ? double(right) / double(c.probes) : 0;
    c.identified = c.probes ? double(named) / double(c.probes) : 0;
    c.impostorProbes = impostorDistances.size();
    c.falseAcceptRate = acceptedShare(impostorDistances, threshold);
    return c;
  }

  static double acceptedShare(const std::vector<double>& distances, double threshold) {
    if (distances.empty()) return 0;
    return double(std::count_if(distances.begin(), distances.end(), [threshold](double d) { return d <= threshold; })) /
           double(distances.size());
  }

 private:
  int personOf(int face) const { return m_cache.faces()[std::size_t(face)].person; }
  std::vector<Embedding> embed(const std::vector<int>& faces) {
    const std::vector<Embedding> byFace = embedCacheFaces(m_embedder, m_cache, faces);
    std::vector<Embedding> inOrder;
    for (int face : faces) inOrder.push_back(byFace[std::size_t(face)]);
    return inOrder;
  }
  std::pair<double, int> nearest(const Embedding& e) const {
    std::pair<double, int> best{std::numeric_limits<double>::infinity(), -1};
    for (std::size_t r = 0; r < m_referenceEmbeddings.size(); ++r) {
      best = std::min(best, {m_embedder.distance(e, m_referenceEmbeddings[r]), int(r)});
    }
    return best;
  }

  Embedder& m_embedder;
  const FaceCache& m_cache;
  std::vector<int> m_references, m_probes;
  std::vector<Embedding> m_referenceEmbeddings, m_probeEmbeddings;
};

/// The largest threshold at which no more than `share` of `distances` fall.
double thresholdAccepting(std::vector<double> distances, double share) {
  std::sort(distances.begin(), distances.end());
  const std::size_t allowed = std::size_t(share * double(distances.size()) + 1e-9);
  if (allowed >= distances.size()) return distances.empty() ? 0 : distances.back();
  // Halfway below the first distance that would be one too many.
  const double next = distances[allowed];
  const double previous = allowed > 0 ? distances[allowed - 1] : next - 1e-3;
  return previous + 0.5 * (next - previous);
}

std::string describe(const AdaptationCheck& c) {
  char text[160];
  std::snprintf(text, sizeof text,
                "rank-1 %.1f%% and %.1f%% named within the threshold of %zu probes, %.2f%% of %zu impostor photos "
                "accepted, at %.4f",
                100 * c.rank1, 100 * c.identified, c.probes, 100 * c.falseAcceptRate, c.impostorProbes, c.threshold);
  return text;
}

}  // namespace

AdaptationResult adaptModel(const std::string& modelPath, double thresholdInForce, const FaceCache& gallery,
                            const std::vector<int>& references, const std::vector<int>& probes,
                            const FaceCache& impostors, const AdaptationOptions& options, const ProgressFn& progress,
                            const StopToken* stop, const std::vector<Pair>& hardNegatives) {
  requireSameCrops(gallery, impostors);
  if (probes.empty()) throw Error("no probe photos to check the adaptation on: enrol at least 3 photos of someone");
  const ImpostorSplit split = splitImpostors(gallery, impostors, options);
  std::vector<int> usedImpostors = split.train;
  usedImpostors.insert(usedImpostors.end(), split.validate.begin(), split.validate.end());
  usedImpostors.insert(usedImpostors.end(), split.check.begin(), split.check.end());
  const std::string workDir = options.workDir.empty() ? std::filesystem::temp_directory_path().string() : options.workDir;
  const CombinedCache combined(workDir, gallery, impostors, usedImpostors, options.photosPerImpostor);
  const FaceCache& cache = combined.cache();
  auto impostorsOf = impostors.facesByPerson();
  for (auto& faces : impostorsOf) faces.resize(std::min(faces.size(), std::size_t(options.photosPerImpostor)));

  // Training: the references of people with two or more, and the training impostors.
  std::map<int, std::vector<int>> referencesByPerson;
  for (int r : references) referencesByPerson[gallery.faces()[std::size_t(r)].person].push_back(combined.galleryFace(r));
  TrainData data;
  AdaptationResult result;
  for (const auto& [person, faces] : referencesByPerson) {
    if (faces.size() < 2) continue;
    data.trainFaces.insert(data.trainFaces.end(), faces.begin(), faces.end());
    ++result.trainingPeople;
  }
  if (result.trainingPeople < 2) throw Error("adaptation needs at least two people with two reference photos or more");
  for (int person : split.train) {
    for (int face : impostorsOf[std::size_t(person)]) data.trainFaces.push_back(combined.impostorFace(face));
  }
  result.impostorTrainingPeople = split.train.size();
  for (const Pair& hard : hardNegatives) {
    // Only against a person who trains (two references or more).
    const int person = gallery.faces()[std::size_t(hard.b)].person;
    const auto it = referencesByPerson.find(person);
    if (it == referencesByPerson.end() || it->second.size() < 2) continue;
    data.hardNegatives.push_back(Pair{combined.galleryFace(hard.a), it->second.front(), false});
  }
  // Validation (the epoch kept and the adapted model's threshold): impostor people of their own.
  for (std::size_t i = 0; i < split.validate.size(); ++i) {
    const auto& faces = impostorsOf[std::size_t(split.validate[i])];
    const auto& next = impostorsOf[std::size_t(split.validate[(i + 1) % split.validate.size()])];
    data.validationPairs.push_back(Pair{combined.impostorFace(faces[0]), combined.impostorFace(faces[1]), true});
    data.validationPairs.push_back(Pair{combined.impostorFace(faces[0]), combined.impostorFace(next[1]), false});
  }

  TrainConfig config;
  config.init.from = modelPath;
  config.init.train = options.trainable;
  config.network.projection = options.trainable == "all" ? "none" : "linear";
  config.startFrom(readBundle(modelPath).metadata.network);
  config.learningRate = options.learningRate;
  config.epochs = options.epochs;
  config.stepsPerEpoch = options.stepsPerEpoch;
  config.photosPerPerson = 2;
  config.peoplePerBatch = int(std::min<std::size_t>(16, result.trainingPeople + split.train.size()));
  config.patience = 0;
  config.seed = options.seed;
  config.threads = options.threads;
  config.thresholdMethod = "best-accuracy";
  TrainOptions train;
  train.stop = stop;
  if (progress) {
    train.progress = [&progress, &config](const TrainProgress& p) {
      if (p.finishedEpoch) return;
      progress(Progress{std::size_t(p.epoch - 1) * p.stepsPerEpoch + p.step, std::size_t(config.epochs) * p.stepsPerEpoch,
                        p.imagesPerSecond, "adapting: epoch " + std::to_string(p.epoch) + " of " + std::to_string(p.epochs)});
    };
  }
  TrainResult trained = trainSiamese(cache, data, config, train);
  if (trained.stopped || trained.bundle.weights.empty()) throw Error("the adaptation was stopped; nothing changed");

  // The check, on photos the adaptation never saw. The adapted model's
  // threshold accepts as many validation impostors as the model as it is.
  std::vector<int> refs, probeFaces, checkImpostors, validationImpostors;
  for (int r : references) refs.push_back(combined.galleryFace(r));
  for (int p : probes) probeFaces.push_back(combined.galleryFace(p));
  for (int person : split.check) {
    for (int face : impostorsOf[std::size_t(person)]) checkImpostors.push_back(combined.impostorFace(face));
  }
  for (int person : split.validate) {
    for (int face : impostorsOf[std::size_t(person)]) validationImpostors.push_back(combined.impostorFace(face));
  }
  auto base = Embedder::load(modelPath);
  CheckSet before(*base, cache, refs, probeFaces);
  const double validationFar = CheckSet::acceptedShare(before.nearestDistances(validationImpostors), thresholdInForce);
  result.before = before.check(before.nearestDistances(checkImpostors), thresholdInForce);
  // A model in bfloat16 stays in bfloat16 (nothing to calibrate), so that
  // before and after are measured alike; one in 8-bit integers comes out
  // in float32, to calibrate anew.
  trained.bundle.metadata.bfloat16 = base->metadata().bfloat16;
  auto adapted = Embedder::fromBundle(trained.bundle, DevicePreference::Auto, "the adapted model");
  CheckSet after(*adapted, cache, refs, probeFaces);
  const double threshold = thresholdAccepting(after.nearestDistances(validationImpostors), validationFar);
  result.after = after.check(after.nearestDistances(checkImpostors), threshold);
  trained.bundle.metadata.threshold.value = threshold;
  trained.bundle.metadata.threshold.method = "open-set";
  trained.bundle.metadata.threshold.chosenOn = std::to_string(validationImpostors.size()) +
                                               " impostor photos against the gallery, as many accepted as by the model it adapts";
  const AdaptationCheck& b = result.before;
  const AdaptationCheck& a = result.after;
  const bool noWorse = a.rank1 >= b.rank1 && a.identified >= b.identified && a.falseAcceptRate <= b.falseAcceptRate;
  result.better = noWorse && (a.identified > b.identified || a.falseAcceptRate < b.falseAcceptRate);
  result.verdict = "before: " + describe(result.before) + "; after: " + describe(result.after) + "; " +
                   (result.better ? "the adapted model is better"
                                  : "the adapted model is not better, so nothing changes");
  result.history = trained.history;
  result.adapted = std::move(trained.bundle);
  return result;
}

}  // namespace siamese
