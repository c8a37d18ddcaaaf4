#include "gallery/ThresholdCalibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "common/Error.h"
#include "common/Random.h"

namespace siamese {
namespace {

// Photos (indices into the embeddings) grouped by person.
std::vector<std::vector<std::size_t>> photosByPerson(const std::vector<StoredEmbedding>& embeddings) {
  std::map<std::int64_t, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < embeddings.size(); ++i) groups[embeddings[i].personId].push_back(i);
  std::vector<std::vector<std::size_t>> out;
  for (auto& entry : groups) out.push_back(std::move(entry.second));
  return out;
}

std::vector<double> genuineDistances(const std::vector<StoredEmbedding>& e,
                                     const std::vector<std::vector<std::size_t>>& people, const DistanceFn& distance,
                                     std::size_t limit, Rng& rng, bool& sampled) {
  std::vector<double> pairsPerPerson;
  double total = 0;
  for (const auto& photos : people) {
    const double n = double(photos.size());
    pairsPerPerson.push_back(n * (n - 1) / 2);
    total += pairsPerPerson.back();
  }
  std::vector<double> out;
  if (total <= double(limit)) {
    for (const auto& photos : people)
      for (std::size_t a = 0; a < photos.size(); ++a)
        for (std::size_t b = a + 1; b < photos.size(); ++b) out.push_back(distance(e[photos[a]].vector, e[photos[b]].vector));
    return out;
  }
  // Too many to score them all: draw pairs, each person as often as they have pairs.
  sampled = true;
  std::discrete_distribution<std::size_t> pickPerson(pairsPerPerson.begin(), pairsPerPerson.end());
  for (std::size_t k = 0; k < limit; ++k) {
    const auto& photos = people[pickPerson(rng.engine())];
    const std::size_t a = rng.below(photos.size());
    std::size_t b = rng.below(photos.size() - 1);
    if (b >= a) ++b;
    out.push_back(distance(e[photos[a]].vector, e[photos[b]].vector));
  }
  return out;
}

std::vector<double> impostorDistances(const std::vector<StoredEmbedding>& e, const DistanceFn& distance,
                                      std::size_t genuineTotal, std::size_t limit, Rng& rng, bool& sampled) {
  const double n = double(e.size());
  const double total = n * (n - 1) / 2 - double(genuineTotal);
  std::vector<double> out;
  if (total <= double(limit)) {
    for (std::size_t a = 0; a < e.size(); ++a)
      for (std::size_t b = a + 1; b < e.size(); ++b)
        if (e[a].personId != e[b].personId) out.push_back(distance(e[a].vector, e[b].vector));
    return out;
  }
  // Drawn uniformly among the pairs of different people (rejection keeps it uniform).
  sampled = true;
  while (out.size() < limit) {
    const std::size_t a = rng.below(e.size()), b = rng.below(e.size());
    if (e[a].personId != e[b].personId) out.push_back(distance(e[a].vector, e[b].vector));
  }
  return out;
}

std::string percent(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", rate * 100);
  return text;
}

}  // namespace

GalleryOperatingPoint operatingPoint(const std::vector<double>& genuine, const std::vector<double>& impostor,
                                     double threshold) {
  GalleryOperatingPoint point;
  point.threshold = threshold;
  const auto below = [threshold](double d) { return d < threshold; };
  if (!impostor.empty()) {
    point.falseAcceptRate = double(std::count_if(impostor.begin(), impostor.end(), below)) / double(impostor.size());
  }
  if (!genuine.empty()) {
    point.falseRejectRate = 1.0 - double(std::count_if(genuine.begin(), genuine.end(), below)) / double(genuine.size());
  }
  return point;
}

double thresholdForFar(std::vector<double> impostor, double targetFar) {
  if (impostor.empty()) throw Error("choosing a threshold needs pairs of different people");
  if (!(targetFar > 0 && targetFar < 1)) throw Error("the target false-accept rate must be between 0 and 1");
  std::sort(impostor.begin(), impostor.end());
  // k impostor pairs may pass; the threshold stops the (k+1)-th. The small
  // tolerance keeps 0.01 × 300 from flooring to 2 through rounding.
  const auto allowed = std::size_t(std::floor(targetFar * double(impostor.size()) + 1e-9));
  if (allowed == 0) return impostor.front();  // strict "<": not even the closest impostor passes
  if (allowed >= impostor.size()) return impostor.back() + 1e-9;
  return (impostor[allowed - 1] + impostor[allowed]) / 2;
}

CalibrationReport calibrateThreshold(const std::vector<StoredEmbedding>& embeddings, const DistanceFn& distance,
                                     const CalibrationOptions& options) {
  const auto people = photosByPerson(embeddings);
  if (people.size() < 2) {
    throw Error("calibrating a threshold needs at least two enrolled people with embeddings for this model (found " +
                std::to_string(people.size()) + ")");
  }
  CalibrationReport report;
  report.targetFar = options.targetFar;
  report.people = people.size();
  std::size_t genuineTotal = 0;
  for (const auto& photos : people) {
    genuineTotal += photos.size() * (photos.size() - 1) / 2;
    report.peopleWithSeveralPhotos += photos.size() > 1 ? 1 : 0;
  }
  Rng rng(options.seed);
  const auto genuine = genuineDistances(embeddings, people, distance, options.maxGenuinePairs, rng, report.sampled);
  auto impostor = impostorDistances(embeddings, distance, genuineTotal, options.maxImpostorPairs, rng, report.sampled);
  for (const StoredEmbedding& rejected : options.corrections) {
    for (const StoredEmbedding& photo : embeddings) {
      if (photo.personId != rejected.personId) continue;
      impostor.push_back(distance(rejected.vector, photo.vector));
      ++report.correctionPairs;
    }
  }
  report.genuinePairs = genuine.size();
  report.impostorPairs = impostor.size();
  report.chosen = operatingPoint(genuine, impostor, thresholdForFar(impostor, options.targetFar));
  report.bundle = operatingPoint(genuine, impostor, options.bundleThreshold);

  if (genuine.empty()) {
    report.warnings.push_back("no person has two photos, so the false-reject rate cannot be measured; enrol at least "
                              "two photos per person");
  } else if (genuine.size() < options.minGenuinePairs) {
    report.warnings.push_back("only " + std::to_string(genuine.size()) + " genuine pairs (from " +
                              std::to_string(report.peopleWithSeveralPhotos) +
                              " people with two or more photos): the false-reject rate is a rough estimate");
  }
  if (double(impostor.size()) * options.targetFar < 10) {
    report.warnings.push_back("only " + std::to_string(impostor.size()) + " impostor pairs: a false-accept rate of " +
                              percent(options.targetFar) +
                              " rests on fewer than 10 of them; enrol more people for a threshold to trust");
  }
  if (options.bundleThreshold > 0 && report.chosen.threshold > options.bundleThreshold) {
    // Pairs say nothing of a stranger, who has one chance per enrolled person to come close.
    report.warnings.push_back("the threshold is above the model's own (" + std::to_string(options.bundleThreshold) +
                              "): no impostor pair of this gallery comes that close, but a stranger may; without "
                              "--save, identify and live video use the open-set estimate or the model's threshold");
  }
  return report;
}

std::string CalibrationReport::method() const {
  char text[200];
  char corrections[64] = "";
  if (correctionPairs > 0) std::snprintf(corrections, sizeof corrections, ", %zu of them from corrections", correctionPairs);
  std::snprintf(text, sizeof text, "far=%g on the gallery (%zu genuine / %zu impostor pairs%s%s)", targetFar,
                genuinePairs, impostorPairs, corrections, sampled ? ", sampled" : "");
  return text;
}

}  // namespace siamese
