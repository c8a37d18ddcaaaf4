#include "gallery/JointAssignment.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace siamese {

std::vector<AssignedName> assignJointly(const std::vector<MatchResult>& matches, double threshold) {
  std::vector<AssignedName> names(matches.size());
  // Every (distance, face, person) within the threshold, nearest first; ties
  // go to the lower face index so the result does not depend on sorting.
  std::vector<std::tuple<double, std::size_t, std::int64_t>> candidates;
  for (std::size_t face = 0; face < matches.size(); ++face) {
    if (!matches[face].ranked.empty()) names[face].distance = matches[face].ranked.front().distance;
    for (const MatchCandidate& c : matches[face].ranked) {
      if (c.distance < threshold) candidates.emplace_back(c.distance, face, c.personId);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  std::vector<bool> named(matches.size(), false);
  std::set<std::int64_t> taken;
  for (const auto& [distance, face, person] : candidates) {
    if (named[face] || taken.count(person)) continue;
    named[face] = true;
    taken.insert(person);
    names[face].personId = person;
    names[face].distance = distance;
  }
  for (std::size_t face = 0; face < matches.size(); ++face) {
    const auto& ranked = matches[face].ranked;
    names[face].fellBack = !ranked.empty() && ranked.front().distance < threshold &&
                           names[face].personId != ranked.front().personId;
  }
  return names;
}

}  // namespace siamese
