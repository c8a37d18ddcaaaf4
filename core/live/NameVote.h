#pragma once
/// \file NameVote.h
/// Steadies the name shown on a tracked face. Each frame's match is one
/// vote (a person, or unknown); the shown name changes only when another
/// label wins a clear majority of the recent votes, so a single odd frame
/// (a blink, motion blur, a turned head) does not make names flicker.

#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace siamese {

/// Labels a vote can carry besides a gallery person id (ids are > 0).
constexpr std::int64_t kUnknownPerson = -1;    ///< no enrolled person is close enough
constexpr std::int64_t kUndecidedPerson = -2;  ///< too few votes yet to say

struct VoteOptions {
  int window = 9;    ///< recent votes considered
  int minVotes = 3;  ///< a label needs at least this many votes in the window
  /// ... and more than this share of the votes in the window.
  double majority = 0.5;
};

class NameVote {
 public:
  explicit NameVote(VoteOptions options = {});

  /// Adds this frame's match (a person id or kUnknownPerson) and its distance.
  void add(std::int64_t personId, double distance);

  /// The label shown: the last label that won a majority, or
  /// kUndecidedPerson before any has.
  std::int64_t shown() const { return m_shown; }
  /// Mean distance of the votes for the shown label in the window (0 when
  /// undecided).
  double shownDistance() const;
  int votes() const { return int(m_votes.size()); }
  /// The votes in the window per label (a person id or kUnknownPerson),
  /// most first: what the shown name rests on.
  std::vector<std::pair<std::int64_t, int>> tally() const;

 private:
  struct Vote {
    std::int64_t personId;
    double distance;
  };
  VoteOptions m_options;
  std::deque<Vote> m_votes;
  std::int64_t m_shown = kUndecidedPerson;
};

}  // namespace siamese
