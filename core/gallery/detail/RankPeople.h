#pragma once
/// \file RankPeople.h
/// The one ranking rule every reference search ends with, so that brute
/// force and FAISS order equal distances the same way.

#include <algorithm>
#include <vector>

#include "gallery/Matcher.h"

namespace siamese::detail {

/// Sorts nearest first (ties: lower person id first) and keeps `topK`.
inline void rankPeople(std::vector<MatchCandidate>& candidates, std::size_t topK) {
  std::sort(candidates.begin(), candidates.end(), [](const MatchCandidate& a, const MatchCandidate& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.personId < b.personId);
  });
  if (candidates.size() > topK) candidates.resize(topK);
}

}  // namespace siamese::detail
