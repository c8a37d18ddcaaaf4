#pragma once
/// \file JointAssignment.h
/// Names for the faces of one frame (or one photo), chosen together: two
/// faces seen at the same moment cannot be the same person. Candidate
/// matches are taken nearest first; a face takes the nearest person not
/// yet taken, within the threshold, so the better match keeps a name and
/// the other falls back to its next candidate, or to unknown.

#include <cstdint>
#include <vector>

#include "gallery/Matcher.h"

namespace siamese {

/// No enrolled person (the live view's kUnknownPerson has the same value).
constexpr std::int64_t kNobody = -1;

/// One face's name after joint assignment.
struct AssignedName {
  std::int64_t personId = kNobody;
  double distance = 0;         ///< to that person (to the nearest one when unknown)
  bool fellBack = false;       ///< its nearest person went to a better match
};

/// `matches[i]`: face i's ranked candidates (MatchResult::ranked, nearest
/// first, any number). Faces are independent of their order.
std::vector<AssignedName> assignJointly(const std::vector<MatchResult>& matches, double threshold);

}  // namespace siamese
