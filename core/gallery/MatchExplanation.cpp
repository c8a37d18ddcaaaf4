#include "gallery/MatchExplanation.h"

#include <algorithm>

#include "common/Format.h"

namespace siamese {

MatchExplanation explainMatch(const GalleryStore& store, const GalleryIndex& index, const DistanceFn& distance,
                              const std::vector<float>& query, double threshold, const ExplainOptions& options) {
  MatchExplanation out;
  out.threshold = threshold;
  if (!index.matcher) {
    out.verdict = "unknown: the gallery has no photos for this model";
    return out;
  }
  const std::vector<StoredEmbedding>& references = index.matcher->references();
  const MatchResult match = index.matcher->match(query, threshold, options.people);
  const auto nameOf = [&index](std::int64_t id) {
    const auto it = index.names.find(id);
    return it != index.names.end() ? it->second : "person " + std::to_string(id);
  };

  const auto describe = [&](const MatchCandidate& c, bool vetoed) {
    ExplainedCandidate e;
    e.personId = c.personId;
    e.name = nameOf(c.personId);
    std::vector<ExplainedPhoto> photos;
    for (const StoredEmbedding& r : references) {
      if (r.personId == c.personId) photos.push_back(ExplainedPhoto{r.photoId, distance(query, r.vector), Image()});
    }
    std::sort(photos.begin(), photos.end(), [](const auto& a, const auto& b) { return a.distance < b.distance; });
    if (photos.size() > options.photosPerPerson) photos.resize(options.photosPerPerson);
    for (ExplainedPhoto& p : photos) p.crop = store.cropOf(p.photoId);
    e.nearest = std::move(photos);
    e.distance = e.nearest.empty() ? c.distance : e.nearest.front().distance;
    if (vetoed) {
      e.vetoed = true;
      e.correctionId = c.photoId;
      e.correctionDistance = c.distance;
      e.correctionCrop = store.cropOf(c.photoId);
    }
    return e;
  };
  for (const MatchCandidate& c : match.ranked) out.candidates.push_back(describe(c, false));
  for (const MatchCandidate& c : match.vetoed) out.candidates.push_back(describe(c, true));

  const std::string limit = "the threshold " + fixedDecimals(threshold);
  if (match.known) {
    out.verdict = out.candidates.front().name + ": nearest photo at " + fixedDecimals(out.candidates.front().distance) +
                  ", below " + limit;
  } else if (!match.ranked.empty()) {
    out.verdict = "unknown: the nearest, " + out.candidates.front().name + ", is at " +
                  fixedDecimals(out.candidates.front().distance) + ", not below " + limit;
  } else {
    out.verdict = match.vetoed.empty() ? "unknown: the gallery has no photos for this model"
                                       : "unknown: every candidate was ruled out by a correction";
  }
  for (const MatchCandidate& v : match.vetoed) {
    out.notes.push_back("not " + nameOf(v.personId) + ": the face is nearer to correction " + std::to_string(v.photoId) +
                        " (" + fixedDecimals(v.distance) + ") than to any photo of them");
  }
  return out;
}

}  // namespace siamese
