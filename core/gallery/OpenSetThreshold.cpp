#include "gallery/OpenSetThreshold.h"

#include <algorithm>
#include <limits>
#include <map>

namespace siamese {

std::optional<OpenSetThreshold> openSetThreshold(const std::vector<StoredEmbedding>& all, const DistanceFn& distance,
                                                 double cap) {
  std::map<std::int64_t, std::size_t> photosOf;
  for (const StoredEmbedding& e : all) ++photosOf[e.personId];
  std::size_t peopleWithSeveral = 0;
  for (const auto& [person, count] : photosOf) peopleWithSeveral += count >= 2 ? 1 : 0;
  if (peopleWithSeveral < kOpenSetMinPeople) return std::nullopt;

  // An even stride keeps every person represented in a large gallery.
  std::vector<const StoredEmbedding*> photos;
  const std::size_t stride = (all.size() + kOpenSetMaxPhotos - 1) / kOpenSetMaxPhotos;
  for (std::size_t i = 0; i < all.size(); i += std::max<std::size_t>(1, stride)) photos.push_back(&all[i]);

  // Per photo: the nearest other photo of its own person, and of anyone else.
  constexpr double kNone = std::numeric_limits<double>::infinity();
  std::vector<double> genuine, stranger;
  for (std::size_t i = 0; i < photos.size(); ++i) {
    double own = kNone, other = kNone;
    for (std::size_t j = 0; j < photos.size(); ++j) {
      if (i == j) continue;
      const double d = distance(photos[i]->vector, photos[j]->vector);
      double& nearest = photos[j]->personId == photos[i]->personId ? own : other;
      nearest = std::min(nearest, d);
    }
    if (own < kNone) genuine.push_back(own);
    if (other < kNone) stranger.push_back(other);
  }
  if (genuine.empty() || stranger.empty()) return std::nullopt;
  std::sort(genuine.begin(), genuine.end());
  std::sort(stranger.begin(), stranger.end());

  // Sweep the candidate cut-offs (every measured distance) for the fewest
  // misses + stranger acceptances, each as a rate; ties: the middle of the run.
  auto errorsAt = [&](double t) {
    const double missed = double(genuine.end() - std::lower_bound(genuine.begin(), genuine.end(), t)) / double(genuine.size());
    const double accepted = double(std::lower_bound(stranger.begin(), stranger.end(), t) - stranger.begin()) / double(stranger.size());
    return std::pair{missed, accepted};
  };
  std::vector<double> candidates(genuine);
  candidates.insert(candidates.end(), stranger.begin(), stranger.end());
  candidates.push_back(cap);
  std::sort(candidates.begin(), candidates.end());
  double best = 2, bestLow = cap, bestHigh = cap;
  for (std::size_t k = 0; k + 1 < candidates.size(); ++k) {
    // Any t in (candidates[k], candidates[k+1]] makes the same decisions; take the upper end.
    const double t = candidates[k + 1];
    if (t > cap) break;
    const auto [missed, accepted] = errorsAt(t);
    const double errors = missed + accepted;
    if (errors < best - 1e-12) {
      best = errors;
      bestLow = candidates[k];
      bestHigh = t;
    } else if (errors < best + 1e-12 && bestHigh == candidates[k]) {
      bestHigh = t;  // the same error over a longer run
    }
  }
  OpenSetThreshold result;
  result.value = std::min(cap, (bestLow + bestHigh) / 2);
  std::tie(result.missRate, result.strangerRate) = errorsAt(result.value);
  result.people = photosOf.size();
  result.photos = photos.size();
  return result;
}

}  // namespace siamese
