#include "data/PairBuilder.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <unordered_set>

#include "common/Error.h"
#include "common/Random.h"

namespace siamese {
namespace {

std::uint64_t pairKey(int a, int b) {
  if (a > b) std::swap(a, b);
  return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b);
}

// Same-person pairs, spread over people: people take turns (in a shuffled
// order), each turn drawing one not-yet-used pair of that person's photos.
// Drawing pairs uniformly from all combinations instead would let the few
// people with hundreds of photos (LFW's George W Bush has 530) fill most of
// the set.
std::vector<Pair> positivePairs(const std::vector<std::vector<int>>& photosOf, std::size_t wanted, Rng& rng) {
  struct Person {
    const std::vector<int>* photos;
    std::size_t combinations;
    std::unordered_set<std::uint64_t> used;
  };
  std::vector<Person> people;
  for (const auto& photos : photosOf) {
    const std::size_t n = photos.size();
    if (n >= 2) people.push_back(Person{&photos, n * (n - 1) / 2, {}});
  }
  std::vector<Pair> pairs;
  while (pairs.size() < wanted && !people.empty()) {
    rng.shuffle(people);
    for (std::size_t i = 0; i < people.size() && pairs.size() < wanted;) {
      Person& p = people[i];
      const auto& photos = *p.photos;
      const std::size_t n = photos.size();
      if (p.used.size() * 2 < p.combinations) {
        // Plenty left: rejection sampling is fast.
        for (;;) {
          const std::size_t x = rng.below(n), y = rng.below(n);
          if (x == y) continue;
          if (p.used.insert(pairKey(photos[x], photos[y])).second) {
            pairs.push_back(Pair{photos[x], photos[y], true});
            break;
          }
        }
      } else {
        // Few left: enumerate the unused ones and pick one.
        std::vector<std::pair<int, int>> unused;
        for (std::size_t x = 0; x < n; ++x)
          for (std::size_t y = x + 1; y < n; ++y)
            if (!p.used.count(pairKey(photos[x], photos[y]))) unused.emplace_back(photos[x], photos[y]);
        const auto pick = unused[rng.below(unused.size())];
        p.used.insert(pairKey(pick.first, pick.second));
        pairs.push_back(Pair{pick.first, pick.second, true});
      }
      if (p.used.size() == p.combinations) {
        people.erase(people.begin() + std::ptrdiff_t(i));
      } else {
        ++i;
      }
    }
  }
  return pairs;
}

// Different-person pairs: two distinct people uniformly, then one photo of
// each; repeats are drawn again.
std::vector<Pair> negativePairs(const std::vector<std::vector<int>>& photosOf, std::size_t wanted, Rng& rng) {
  std::vector<Pair> pairs;
  if (photosOf.size() < 2) return pairs;
  double possible = 0;  // how many distinct negatives exist, to stop in time
  double photos = 0, squares = 0;
  for (const auto& p : photosOf) {
    photos += double(p.size());
    squares += double(p.size()) * double(p.size());
  }
  possible = (photos * photos - squares) / 2;
  wanted = std::min<std::size_t>(wanted, std::size_t(possible));
  std::unordered_set<std::uint64_t> used;
  while (pairs.size() < wanted) {
    const std::size_t p = rng.below(photosOf.size());
    std::size_t q = rng.below(photosOf.size() - 1);
    if (q >= p) ++q;
    const int a = photosOf[p][rng.below(photosOf[p].size())];
    const int b = photosOf[q][rng.below(photosOf[q].size())];
    if (used.insert(pairKey(a, b)).second) pairs.push_back(Pair{a, b, false});
  }
  return pairs;
}

}  // namespace

const char* splitName(Split split) {
  switch (split) {
    case Split::Train: return "train";
    case Split::Validation: return "validation";
    case Split::Test: return "test";
  }
  return "?";
}

SplitReport checkPairs(const std::vector<Pair>& pairs, const std::vector<int>& personOfPhoto) {
  SplitReport report;
  std::unordered_set<std::uint64_t> unique;
  std::unordered_set<int> photos;
  for (const Pair& p : pairs) {
    if (p.same) ++report.positives; else ++report.negatives;
    if (p.a == p.b) ++report.selfPairs;
    if ((personOfPhoto.at(std::size_t(p.a)) == personOfPhoto.at(std::size_t(p.b))) != p.same) ++report.mislabelled;
    unique.insert(pairKey(p.a, p.b));
    photos.insert(p.a);
    photos.insert(p.b);
  }
  report.uniquePairs = unique.size();
  report.photosUsed = photos.size();
  return report;
}

PairSet buildPairs(const std::vector<int>& personOfPhoto, const PairOptions& options) {
  // Photos of each eligible person.
  std::map<int, std::vector<int>> photosByPerson;
  for (std::size_t i = 0; i < personOfPhoto.size(); ++i) {
    if (personOfPhoto[i] >= 0) photosByPerson[personOfPhoto[i]].push_back(int(i));
  }
  PairSet set;
  std::vector<int> eligible;
  for (const auto& [person, photos] : photosByPerson) {
    if (int(photos.size()) >= std::max(1, options.minPhotosPerPerson)) {
      eligible.push_back(person);
    } else {
      ++set.peopleSkipped;
    }
  }

  const double total = options.fractions[0] + options.fractions[1] + options.fractions[2];
  if (total <= 0 || *std::min_element(options.fractions.begin(), options.fractions.end()) < 0) {
    throw Error("split fractions must be non-negative and not all zero");
  }
  Rng rng(options.seed);
  rng.shuffle(eligible);

  // People per split: rounded shares, test takes the remainder.
  const std::size_t n = eligible.size();
  std::array<std::size_t, 3> counts{};
  counts[0] = std::size_t(std::llround(double(n) * options.fractions[0] / total));
  counts[1] = std::min(n - counts[0], std::size_t(std::llround(double(n) * options.fractions[1] / total)));
  counts[2] = n - counts[0] - counts[1];
  if (options.fractions[2] == 0 && counts[2] > 0) {
    counts[0] += counts[2];
    counts[2] = 0;
  }
  // The photos each split may use, per person.
  std::array<std::map<int, std::vector<int>>, 3> photosInSplit;
  if (options.splitByPhoto) {
    // Every person in every split, their photos divided by the fractions
    // (MNIST's protocol: ten digits, split by image).
    for (int person : eligible) {
      std::vector<int> photos = photosByPerson[person];
      rng.shuffle(photos);
      const std::size_t k = photos.size();
      const std::size_t first = std::size_t(std::llround(double(k) * options.fractions[0] / total));
      const std::size_t second = std::min(k - first, std::size_t(std::llround(double(k) * options.fractions[1] / total)));
      const std::size_t ends[3] = {first, first + second, k};
      std::size_t begin = 0;
      for (std::size_t s = 0; s < 3; ++s) {
        if (ends[s] > begin && options.fractions[s] > 0) {
          photosInSplit[s][person].assign(photos.begin() + std::ptrdiff_t(begin), photos.begin() + std::ptrdiff_t(ends[s]));
          set.peopleOf[s].push_back(person);
        }
        begin = ends[s];
      }
    }
    for (auto& people : set.peopleOf) std::sort(people.begin(), people.end());
  } else {
    std::size_t offset = 0;
    for (std::size_t s = 0; s < 3; ++s) {
      if (options.fractions[s] > 0 && counts[s] < 2) {
        throw Error(std::string("the ") + splitName(Split(s)) + " split would get " + std::to_string(counts[s]) +
                    " people; at least 2 are needed (" + std::to_string(n) + " people have at least " +
                    std::to_string(options.minPhotosPerPerson) + " photos)");
      }
      set.peopleOf[s].assign(eligible.begin() + std::ptrdiff_t(offset),
                             eligible.begin() + std::ptrdiff_t(offset + counts[s]));
      std::sort(set.peopleOf[s].begin(), set.peopleOf[s].end());
      for (int person : set.peopleOf[s]) photosInSplit[s][person] = photosByPerson[person];
      offset += counts[s];
    }
  }

  for (std::size_t s = 0; s < 3; ++s) {
    if (set.peopleOf[s].empty()) continue;
    std::vector<std::vector<int>> photosOf;
    std::size_t photosAvailable = 0, possiblePositives = 0;
    for (int person : set.peopleOf[s]) {
      photosOf.push_back(photosInSplit[s][person]);
      set.photosOf[s].insert(set.photosOf[s].end(), photosOf.back().begin(), photosOf.back().end());
      const std::size_t k = photosOf.back().size();
      photosAvailable += k;
      possiblePositives += k * (k - 1) / 2;
    }
    std::sort(set.photosOf[s].begin(), set.photosOf[s].end());
    std::size_t wanted = options.pairCounts[s] ? options.pairCounts[s] : options.maxPairsPerSplit;
    const std::size_t half = std::min(wanted / 2, possiblePositives);
    // Each split draws from its own stream so that changing one split's
    // count leaves the other splits' pairs unchanged.
    Rng splitRng(options.seed * 1000003u + s + 1);
    std::vector<Pair> pairs = positivePairs(photosOf, half, splitRng);
    std::vector<Pair> negatives = negativePairs(photosOf, pairs.size(), splitRng);
    pairs.resize(std::min(pairs.size(), negatives.size()));  // keep exact balance
    pairs.insert(pairs.end(), negatives.begin(), negatives.end());
    splitRng.shuffle(pairs);

    set.reports[s] = checkPairs(pairs, personOfPhoto);
    set.reports[s].people = set.peopleOf[s].size();
    set.reports[s].photosAvailable = photosAvailable;
    set.reports[s].requested = options.pairCounts[s] - options.pairCounts[s] % 2;
    set.splits[s] = std::move(pairs);
  }

  std::map<int, int> splitsOfPerson;
  for (const auto& people : set.peopleOf)
    for (int person : people) ++splitsOfPerson[person];
  for (const auto& [person, count] : splitsOfPerson) set.peopleInTwoSplits += count > 1 ? 1 : 0;
  return set;
}

}  // namespace siamese
