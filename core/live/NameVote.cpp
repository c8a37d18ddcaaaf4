#include "live/NameVote.h"

#include <algorithm>
#include <map>

namespace siamese {

NameVote::NameVote(VoteOptions options) : m_options(options) {}

void NameVote::add(std::int64_t personId, double distance) {
  m_votes.push_back(Vote{personId, distance});
  while (int(m_votes.size()) > m_options.window) m_votes.pop_front();

  std::map<std::int64_t, int> counts;
  for (const Vote& v : m_votes) ++counts[v.personId];
  for (const auto& [label, count] : counts) {
    if (count >= m_options.minVotes && count > m_options.majority * double(m_votes.size())) {
      m_shown = label;  // at most one label can hold a majority
      return;
    }
  }
  // No clear winner: keep showing the last one (hysteresis).
}

std::vector<std::pair<std::int64_t, int>> NameVote::tally() const {
  std::map<std::int64_t, int> counts;
  for (const Vote& v : m_votes) ++counts[v.personId];
  std::vector<std::pair<std::int64_t, int>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

double NameVote::shownDistance() const {
  double sum = 0;
  int n = 0;
  for (const Vote& v : m_votes) {
    if (v.personId != m_shown) continue;
    sum += v.distance;
    ++n;
  }
  return n ? sum / n : 0.0;
}

}  // namespace siamese
