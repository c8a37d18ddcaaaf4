#include "eval/Protocols.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>

#include "common/Error.h"
#include "common/Random.h"
#include "eval/CropMatch.h"

namespace siamese {

std::vector<Embedding> embedCache(Embedder& embedder, const FaceCache& cache, const ProgressFn& progress) {
  requireMatchingCrops(embedder.metadata().input, cache.settings(), "the model");
  const CacheSettings& s = cache.settings();
  std::vector<Embedding> embeddings;
  embeddings.reserve(cache.size());
  constexpr std::size_t kChunk = 1024;
  for (std::size_t start = 0; start < cache.size(); start += kChunk) {
    const std::size_t n = std::min(kChunk, cache.size() - start);
    const std::vector<Embedding> chunk = embedder.embedPacked(cache.pixels(start), n, s.cropSize, s.channels);
    embeddings.insert(embeddings.end(), chunk.begin(), chunk.end());
    if (progress) progress(Progress{embeddings.size(), cache.size(), 0, ""});
  }
  return embeddings;
}

std::vector<Embedding> embedCacheFaces(Embedder& embedder, const FaceCache& cache, const std::vector<int>& faces,
                                       const ProgressFn& progress) {
  requireMatchingCrops(embedder.metadata().input, cache.settings(), "the model");
  const CacheSettings& s = cache.settings();
  const std::size_t bytes = cache.bytesPerFace();
  std::vector<Embedding> embeddings(cache.size());
  constexpr std::size_t kChunk = 256;
  std::vector<std::uint8_t> packed;
  for (std::size_t start = 0; start < faces.size(); start += kChunk) {
    const std::size_t n = std::min(kChunk, faces.size() - start);
    packed.resize(n * bytes);
    for (std::size_t i = 0; i < n; ++i) {
      std::memcpy(packed.data() + i * bytes, cache.pixels(std::size_t(faces[start + i])), bytes);
    }
    std::vector<Embedding> chunk = embedder.embedPacked(packed.data(), n, s.cropSize, s.channels);
    for (std::size_t i = 0; i < n; ++i) embeddings[std::size_t(faces[start + i])] = std::move(chunk[i]);
    if (progress) progress(Progress{start + n, faces.size(), 0, ""});
  }
  return embeddings;
}

std::vector<std::string> peopleSeenInTraining(const BundleMetadata& model, const std::set<std::string>& people) {
  std::vector<std::string> seen;
  for (const std::string& name : model.training.identities) {
    if (people.count(name)) seen.push_back(name);
  }
  std::sort(seen.begin(), seen.end());
  return seen;
}

std::set<std::string> peopleOfPairs(const FaceCache& cache, const std::vector<Pair>& pairs) {
  std::set<std::string> people;
  for (const Pair& p : pairs) {
    for (int face : {p.a, p.b}) {
      if (face >= 0) people.insert(cache.people()[std::size_t(cache.faces()[std::size_t(face)].person)]);
    }
  }
  return people;
}

ScoredPairs scorePairs(const Embedder& embedder, const std::vector<Embedding>& embeddings,
                       const std::vector<Pair>& pairs) {
  ScoredPairs scored;
  for (const Pair& p : pairs) {
    if (p.a < 0 || p.b < 0) continue;
    scored.add(embedder.distance(embeddings[std::size_t(p.a)], embeddings[std::size_t(p.b)]), p.same);
  }
  return scored;
}

VerificationReport verificationReport(const ScoredPairs& scored, double threshold) {
  VerificationReport r;
  r.pairs = scored.size();
  r.threshold = threshold;
  r.accuracy = accuracyAt(scored, threshold);
  r.auc = areaUnderCurve(scored);
  r.eer = equalErrorRate(scored);
  r.atFar1e2 = operatingPointAtFar(scored, 1e-2);
  r.atFar1e3 = operatingPointAtFar(scored, 1e-3);
  std::size_t same = 0;
  for (std::size_t i = 0; i < scored.size(); ++i) {
    (scored.same[i] ? r.meanSameDistance : r.meanDifferentDistance) += scored.distances[i];
    same += scored.same[i] ? 1 : 0;
  }
  r.meanSameDistance /= double(std::max<std::size_t>(1, same));
  r.meanDifferentDistance /= double(std::max<std::size_t>(1, scored.size() - same));
  return r;
}

double oneShotAccuracy(const Embedder& embedder, const std::vector<Embedding>& embeddings,
                       const std::vector<OneShotTask>& tasks) {
  if (tasks.empty()) return 0;
  std::size_t right = 0;
  for (const OneShotTask& task : tasks) {
    double best = std::numeric_limits<double>::infinity();
    int choice = -1;
    for (std::size_t r = 0; r < task.references.size(); ++r) {
      const double d = embedder.distance(embeddings[std::size_t(task.query)],
                                         embeddings[std::size_t(task.references[r])]);
      if (d < best) {
        best = d;
        choice = int(r);
      }
    }
    right += choice == task.answer ? 1 : 0;
  }
  return double(right) / double(tasks.size());
}

std::vector<OneShotTask> sampleOneShotTasks(const FaceCache& cache, int ways, int count, std::uint64_t seed) {
  std::vector<std::vector<int>> eligible;
  for (const auto& faces : cache.facesByPerson()) {
    if (faces.size() >= 2) eligible.push_back(faces);
  }
  if (ways < 2 || int(eligible.size()) < ways) {
    throw Error(std::to_string(ways) + "-way tasks need " + std::to_string(ways) +
                " people with at least two photos; the cache has " + std::to_string(eligible.size()));
  }
  Rng rng(seed);
  std::vector<OneShotTask> tasks;
  std::vector<std::size_t> people(eligible.size());
  std::iota(people.begin(), people.end(), 0);
  for (int t = 0; t < count; ++t) {
    OneShotTask task;
    for (int w = 0; w < ways; ++w) {
      std::swap(people[std::size_t(w)], people[std::size_t(w) + rng.below(people.size() - std::size_t(w))]);
    }
    task.answer = int(rng.below(std::uint64_t(ways)));
    for (int w = 0; w < ways; ++w) {
      const auto& faces = eligible[people[std::size_t(w)]];
      const std::size_t reference = rng.below(faces.size());
      task.references.push_back(faces[reference]);
      if (w == task.answer) {
        std::size_t query = rng.below(faces.size() - 1);
        if (query >= reference) ++query;
        task.query = faces[query];
      }
    }
    tasks.push_back(std::move(task));
  }
  return tasks;
}

IdentificationReport identificationAccuracy(const Embedder& embedder, const FaceCache& cache,
                                            const std::vector<Embedding>& embeddings, int referencesPerPerson,
                                            std::uint64_t seed) {
  Rng rng(seed);
  struct Person {
    int id;
    std::vector<int> references, probes;
  };
  std::vector<Person> people;
  const auto byPerson = cache.facesByPerson();
  for (std::size_t p = 0; p < byPerson.size(); ++p) {
    std::vector<int> faces = byPerson[p];
    if (int(faces.size()) <= referencesPerPerson) continue;
    rng.shuffle(faces);
    Person person{int(p), {}, {}};
    person.references.assign(faces.begin(), faces.begin() + referencesPerPerson);
    person.probes.assign(faces.begin() + referencesPerPerson, faces.end());
    people.push_back(std::move(person));
  }
  IdentificationReport report;
  report.people = people.size();
  std::size_t right = 0;
  for (const Person& person : people) {
    for (int probe : person.probes) {
      double best = std::numeric_limits<double>::infinity();
      int named = -1;
      for (const Person& candidate : people) {
        for (int reference : candidate.references) {
          const double d = embedder.distance(embeddings[std::size_t(probe)], embeddings[std::size_t(reference)]);
          if (d < best) {
            best = d;
            named = candidate.id;
          }
        }
      }
      right += named == person.id ? 1 : 0;
      ++report.probes;
    }
  }
  report.rank1 = report.probes ? double(right) / double(report.probes) : 0;
  return report;
}

}  // namespace siamese
