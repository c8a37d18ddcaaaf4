#include "train/detail/BatchSampler.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

#include "common/Error.h"

namespace siamese::detail {

std::uint64_t mixSeeds(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  std::uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^
                    (c + 0x94D049BB133111EBull);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

BatchSampler::BatchSampler(const FaceCache& cache, const TrainData& data, const TrainConfig& config)
    : m_data(data), m_config(config) {
  if (data.validationPairs.empty()) throw Error("training needs validation pairs");
  std::size_t photos = 0;
  if (config.sampling == "online" && config.loss == "distil") {
    // Distillation needs no labels: every training photo serves, those of
    // people with one photo too.
    m_distilFaces = data.trainFaces;
    if (m_distilFaces.size() < imagesPerStep()) {
      throw Error("distillation batches need " + std::to_string(imagesPerStep()) + " training photos; there are " +
                  std::to_string(m_distilFaces.size()));
    }
    m_stepsPerEpoch = std::max<std::size_t>(1, m_distilFaces.size() / imagesPerStep());
  } else if (config.sampling == "online") {
    std::map<int, std::vector<int>> byPerson;
    std::map<int, std::size_t> slotOfPerson;  // cache person → index into m_facesOfPeople
    for (int face : data.trainFaces) byPerson[cache.faces().at(std::size_t(face)).person].push_back(face);
    for (auto& [person, faces] : byPerson) {
      if (faces.size() >= 2) {
        photos += faces.size();
        slotOfPerson[person] = m_facesOfPeople.size();
        m_facesOfPeople.push_back(std::move(faces));
      }
    }
    for (const Pair& hard : data.hardNegatives) {
      const auto slot = slotOfPerson.find(cache.faces().at(std::size_t(hard.b)).person);
      if (slot == slotOfPerson.end()) {
        throw Error("a hard negative's person is not among the training people with two photos");
      }
      m_hardNegativePeople.push_back(slot->second);
    }
    if (int(m_facesOfPeople.size()) < config.peoplePerBatch) {
      throw Error("online batches need " + std::to_string(config.peoplePerBatch) +
                  " training people with at least 2 photos; there are " + std::to_string(m_facesOfPeople.size()));
    }
    m_stepsPerEpoch = std::max<std::size_t>(1, photos / imagesPerStep());
  } else {
    if (data.trainPairs.empty()) throw Error("pairs sampling needs training pairs");
    m_stepsPerEpoch = std::max<std::size_t>(1, data.trainPairs.size() / std::size_t(config.pairsPerBatch));
  }
  if (config.stepsPerEpoch > 0) m_stepsPerEpoch = std::size_t(config.stepsPerEpoch);
}

std::size_t BatchSampler::imagesPerStep() const {
  return m_config.sampling == "online" ? std::size_t(m_config.peoplePerBatch) * std::size_t(m_config.photosPerPerson)
                                       : 2 * std::size_t(m_config.pairsPerBatch);
}

OnlineBatch BatchSampler::online(Rng& rng) const {
  if (!m_distilFaces.empty()) return distillation(rng);
  std::vector<std::size_t> people(m_facesOfPeople.size());
  std::iota(people.begin(), people.end(), 0);
  OnlineBatch batch;
  // With hard negatives, the first slot is the rejected person and the last
  // their rejected face (no draws change when there are none).
  const Pair* hard = nullptr;
  if (!m_data.hardNegatives.empty()) {
    const std::size_t pick = rng.below(m_data.hardNegatives.size());
    hard = &m_data.hardNegatives[pick];
    std::swap(people[0], people[m_hardNegativePeople[pick]]);
  }
  for (int p = 0; p < m_config.peoplePerBatch; ++p) {
    if (hard && p + 1 == m_config.peoplePerBatch) {
      for (int k = 0; k < m_config.photosPerPerson; ++k) {
        batch.faces.push_back(hard->a);  // augmentation makes the copies differ
        batch.labels.push_back(p);
      }
      break;
    }
    if (!hard || p > 0) {
      std::swap(people[std::size_t(p)], people[std::size_t(p) + rng.below(people.size() - std::size_t(p))]);
    }
    std::vector<int> photos = m_facesOfPeople[people[std::size_t(p)]];
    rng.shuffle(photos);
    for (int k = 0; k < m_config.photosPerPerson; ++k) {
      batch.faces.push_back(photos[std::size_t(k) % photos.size()]);
      batch.labels.push_back(p);
    }
  }
  return batch;
}

OnlineBatch BatchSampler::distillation(Rng& rng) const {
  // P·K distinct photos: the first draws of a Fisher–Yates shuffle.
  std::vector<int> pool = m_distilFaces;
  OnlineBatch batch;
  const std::size_t n = imagesPerStep();
  for (std::size_t i = 0; i < n; ++i) {
    std::swap(pool[i], pool[i + rng.below(pool.size() - i)]);
    batch.faces.push_back(pool[i]);
    batch.labels.push_back(int(i));  // unused by the distillation loss
  }
  return batch;
}

PairBatch BatchSampler::pairs(int epoch, std::size_t step) {
  // One permutation per epoch, derived from the epoch alone (so a resumed
  // run gets it back), made once per epoch.
  if (m_orderEpoch != epoch) {
    Rng order(mixSeeds(m_config.seed, std::uint64_t(epoch), 0xFFFF));
    m_pairOrder.resize(m_data.trainPairs.size());
    std::iota(m_pairOrder.begin(), m_pairOrder.end(), 0);
    order.shuffle(m_pairOrder);
    m_orderEpoch = epoch;
  }
  PairBatch batch;
  const std::size_t size = std::size_t(m_config.pairsPerBatch);
  for (std::size_t i = 0; i < size; ++i) {
    const Pair& p = m_data.trainPairs[m_pairOrder[(step * size + i) % m_pairOrder.size()]];
    batch.faces.push_back(p.a);
    batch.same.push_back(p.same ? 1.0f : 0.0f);
  }
  for (std::size_t i = 0; i < size; ++i) {
    batch.faces.push_back(m_data.trainPairs[m_pairOrder[(step * size + i) % m_pairOrder.size()]].b);
  }
  return batch;
}

}  // namespace siamese::detail
