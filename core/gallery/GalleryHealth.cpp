#include "gallery/GalleryHealth.h"

#include <algorithm>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "common/Format.h"

namespace siamese {

GalleryHealthReport checkGalleryHealth(const GalleryStore& store, const std::string& modelId, const DistanceFn& distance,
                                       double threshold, const HealthOptions& options) {
  GalleryHealthReport report;
  std::map<std::int64_t, std::string> names;
  for (const GalleryPerson& person : store.people()) {
    names[person.id] = person.name;
    ++report.people;
    report.photos += std::size_t(person.photoCount);
    if (person.photoCount < options.minPhotos) {
      report.findings.push_back({"too-few-photos",
                                 person.name + " has " + std::to_string(person.photoCount) + " photo(s)",
                                 "add photos until there are at least " + std::to_string(options.minPhotos) +
                                     ", of other days, poses and lighting",
                                 person.id, 0, 0, 0});
    }
  }
  for (std::int64_t photo : store.photosWithoutEmbedding(modelId)) {
    report.findings.push_back({"missing-embedding", "photo " + std::to_string(photo) + " has no embedding for model " + modelId,
                               "run 'siamese gallery reembed' with this model (the Gallery tab's Re-embed)", 0, photo, 0, 0});
  }

  const std::vector<StoredEmbedding> all = store.embeddings(modelId);
  report.embedded = all.size();
  // Every pair once: the nearest own and other photo of each photo, the
  // near-duplicates, and each pair of people's nearest photos.
  const std::size_t n = all.size();
  std::vector<double> nearestOwn(n, std::numeric_limits<double>::infinity());
  std::vector<std::pair<double, std::size_t>> nearestOther(n, {std::numeric_limits<double>::infinity(), 0});
  std::map<std::pair<std::int64_t, std::int64_t>, ConfusablePair> byPeople;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double d = distance(all[i].vector, all[j].vector);
      if (d < options.duplicateShare * threshold) {
        report.findings.push_back({"near-duplicate",
                                   "photos " + std::to_string(all[i].photoId) + " (" + names[all[i].personId] + ") and " +
                                       std::to_string(all[j].photoId) + " (" + names[all[j].personId] +
                                       ") are nearly the same picture (distance " + fixedDecimals(d) + ")",
                                   all[i].personId == all[j].personId
                                       ? "remove one: a second copy adds nothing to matching"
                                       : "the same picture under two people: remove it from the wrong one",
                                   all[i].personId, all[i].photoId, all[j].photoId, d, all[j].personId});
      }
      if (all[i].personId == all[j].personId) {
        nearestOwn[i] = std::min(nearestOwn[i], d);
        nearestOwn[j] = std::min(nearestOwn[j], d);
        continue;
      }
      nearestOther[i] = std::min(nearestOther[i], {d, j});
      nearestOther[j] = std::min(nearestOther[j], {d, i});
      const auto key = std::minmax(all[i].personId, all[j].personId);
      auto [it, added] = byPeople.try_emplace({key.first, key.second});
      if (added || d < it->second.distance) {
        const bool iFirst = all[i].personId == key.first;
        it->second = ConfusablePair{key.first, key.second, names[key.first], names[key.second],
                                    iFirst ? all[i].photoId : all[j].photoId, iFirst ? all[j].photoId : all[i].photoId,
                                    d, d < threshold};
      }
    }
  }
  // Only photos of people with another photo can sit nearer to someone else.
  const auto flagged = [&](std::size_t i) {
    return nearestOwn[i] != std::numeric_limits<double>::infinity() && nearestOther[i].first < nearestOwn[i];
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (!flagged(i)) continue;
    // A mislabelled photo drags its true owner's nearest photo along: when
    // two photos flag each other, the one farther from its own people is
    // the mislabelled one.
    const std::size_t j = nearestOther[i].second;
    if (flagged(j) && nearestOther[j].second == i &&
        nearestOther[i].first / nearestOwn[i] > nearestOther[j].first / nearestOwn[j]) {
      continue;
    }
    const StoredEmbedding& other = all[j];
    report.findings.push_back({"mislabelled",
                               "photo " + std::to_string(all[i].photoId) + " of " + names[all[i].personId] +
                                   " is nearer to " + names[other.personId] + " (photo " + std::to_string(other.photoId) +
                                   ", " + fixedDecimals(nearestOther[i].first) + ") than to " + names[all[i].personId] +
                                   "'s other photos (" + fixedDecimals(nearestOwn[i]) + ")",
                               "look at it: if it is not " + names[all[i].personId] + ", take it back (siamese gallery reject "
                               "--photo-id " + std::to_string(all[i].photoId) + " --not \"" + names[all[i].personId] +
                                   "\", or right-click it in the Gallery tab); if it is a poor photo, remove it",
                               all[i].personId, all[i].photoId, other.photoId, nearestOther[i].first, other.personId});
  }
  for (auto& [key, pair] : byPeople) report.confusable.push_back(pair);
  std::sort(report.confusable.begin(), report.confusable.end(),
            [](const ConfusablePair& a, const ConfusablePair& b) { return a.distance < b.distance; });
  if (report.confusable.size() > options.confusablePairs) report.confusable.resize(options.confusablePairs);
  return report;
}

std::string GalleryHealthReport::toJson() const {
  nlohmann::json j;
  j["people"] = people;
  j["photos"] = photos;
  j["embedded"] = embedded;
  j["findings"] = nlohmann::json::array();
  for (const HealthFinding& f : findings) {
    j["findings"].push_back({{"kind", f.kind}, {"message", f.message}, {"action", f.action}, {"person_id", f.personId},
                             {"photo_id", f.photoId}, {"other_photo_id", f.otherPhotoId}, {"distance", f.distance}});
  }
  j["confusable"] = nlohmann::json::array();
  for (const ConfusablePair& c : confusable) {
    j["confusable"].push_back({{"a", c.nameA}, {"b", c.nameB}, {"photo_a", c.photoA}, {"photo_b", c.photoB},
                               {"distance", c.distance}, {"within_threshold", c.withinThreshold}});
  }
  return j.dump(2);
}

}  // namespace siamese
