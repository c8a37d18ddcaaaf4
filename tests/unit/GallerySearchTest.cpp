// The reference searches agree: FAISS's exact index and brute force rank
// the same people with the same nearest photos and distances, also when
// one person's many photos crowd the nearest neighbours; FAISS is chosen
// only for Euclidean models of a large enough gallery.

#include <cmath>
#include <random>

#include "common/Error.h"
#include "gallery/JointAssignment.h"
#include "gallery/Matcher.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {


std::vector<float> randomUnitVector(std::mt19937& rng, int dimension) {
  std::normal_distribution<float> normal;
  std::vector<float> v(static_cast<std::size_t>(dimension));
  double norm = 0;
  for (float& x : v) {
    x = normal(rng);
    norm += double(x) * x;
  }
  for (float& x : v) x = float(x / std::sqrt(norm));
  return v;
}

SearchOptions forced(SearchBackend backend) {
  SearchOptions options;
  options.backend = backend;
  options.euclidean = true;
  return options;
}

void expectSameRanking(const MatchResult& a, const MatchResult& b) {
  ASSERT_EQ(a.ranked.size(), b.ranked.size());
  EXPECT_EQ(a.known, b.known);
  for (std::size_t i = 0; i < a.ranked.size(); ++i) {
    EXPECT_EQ(a.ranked[i].personId, b.ranked[i].personId) << "rank " << i;
    EXPECT_EQ(a.ranked[i].photoId, b.ranked[i].photoId) << "rank " << i;
    EXPECT_DOUBLE_EQ(a.ranked[i].distance, b.ranked[i].distance) << "rank " << i;
  }
}

TEST(GallerySearch, FaissAndBruteForceRankTheSamePeopleOnRandomEmbeddings) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> photosPerPerson(1, 6);
  std::vector<StoredEmbedding> references;
  std::int64_t photo = 0;
  for (std::int64_t person = 1; person <= 300; ++person) {
    const int n = photosPerPerson(rng);
    for (int k = 0; k < n; ++k) references.push_back({++photo, person, randomUnitVector(rng, 32)});
  }
  const GalleryMatcher brute(references, test::euclideanDistance, forced(SearchBackend::BruteForce));
  const GalleryMatcher faiss(references, test::euclideanDistance, forced(SearchBackend::Faiss));
  EXPECT_EQ(brute.searchName(), "brute force");
  EXPECT_EQ(faiss.searchName(), "faiss (exact flat index)");
  for (int q = 0; q < 100; ++q) {
    // Half the queries near an enrolled photo (a known face), half anywhere.
    std::vector<float> query = randomUnitVector(rng, 32);
    if (q % 2 == 0) {
      const auto& near = references[std::size_t(q * 7) % references.size()].vector;
      for (std::size_t i = 0; i < query.size(); ++i) query[i] = near[i] + 0.05f * query[i];
    }
    for (std::size_t topK : {1u, 5u, 20u}) {
      SCOPED_TRACE("query " + std::to_string(q) + ", top " + std::to_string(topK));
      expectSameRanking(brute.match(query, 0.5, topK), faiss.match(query, 0.5, topK));
    }
  }
}

TEST(GallerySearch, FaissFindsEveryoneWhenOnePersonCrowdsTheNeighbours) {
  // Person 1 has 500 photos right at the query; 1,000 others, one photo
  // each, are further away. FAISS's first few nearest neighbours are all
  // person 1's, so it must widen its search to find the next people.
  std::mt19937 rng(3);
  std::vector<StoredEmbedding> references;
  std::int64_t photo = 0;
  for (int k = 0; k < 500; ++k) {
    auto v = randomUnitVector(rng, 8);
    for (float& x : v) x *= 0.01f;
    references.push_back({++photo, 1, v});
  }
  for (std::int64_t person = 2; person <= 1001; ++person) {
    auto v = randomUnitVector(rng, 8);
    for (float& x : v) x *= 1.0f + float(person) / 1000.0f;
    references.push_back({++photo, person, v});
  }
  const std::vector<float> query(8, 0.0f);
  const MatchResult brute = GalleryMatcher(references, test::euclideanDistance, forced(SearchBackend::BruteForce)).match(query, 1, 10);
  const MatchResult faiss = GalleryMatcher(references, test::euclideanDistance, forced(SearchBackend::Faiss)).match(query, 1, 10);
  ASSERT_EQ(faiss.ranked.size(), 10u);
  EXPECT_EQ(faiss.ranked[0].personId, 1);
  EXPECT_EQ(faiss.ranked[1].personId, 2);  // the nearest of the others, behind 500 photos of person 1
  expectSameRanking(brute, faiss);
}

TEST(GallerySearch, AutoUsesFaissOnlyForLargeGalleriesOfEuclideanModels) {
  std::mt19937 rng(1);
  std::vector<StoredEmbedding> references;
  for (std::int64_t i = 0; i < 50; ++i) references.push_back({i, i, randomUnitVector(rng, 4)});
  SearchOptions euclideanModel;
  euclideanModel.euclidean = true;
  euclideanModel.faissFromSize = 50;
  EXPECT_EQ(GalleryMatcher(references, test::euclideanDistance, euclideanModel).searchName(), "faiss (exact flat index)");
  euclideanModel.faissFromSize = 51;
  EXPECT_EQ(GalleryMatcher(references, test::euclideanDistance, euclideanModel).searchName(), "brute force");
  // A Koch head's 1 - P(same) is no metric FAISS can index: brute force always.
  SearchOptions kochModel;
  kochModel.faissFromSize = 1;
  EXPECT_EQ(GalleryMatcher(references, test::euclideanDistance, kochModel).searchName(), "brute force");
  kochModel.backend = SearchBackend::Faiss;
  EXPECT_THROW(GalleryMatcher(references, test::euclideanDistance, kochModel), Error);
  // The original constructor stays brute force.
  EXPECT_EQ(GalleryMatcher(references, test::euclideanDistance).searchName(), "brute force");
  EXPECT_TRUE(GalleryMatcher({}, test::euclideanDistance, forced(SearchBackend::Faiss)).match({0, 0, 0, 0}, 1).ranked.empty());
}

// Joint naming: the nearer face keeps a person, the other takes its next
// candidate within the threshold, or none; faces' order does not matter.
TEST(JointAssignment, TheNearerFaceKeepsThePersonAndTheOtherFallsBack) {
  const auto ranked = [](std::vector<std::pair<std::int64_t, double>> candidates) {
    MatchResult m;
    for (const auto& [person, distance] : candidates) m.ranked.push_back(MatchCandidate{person, 0, distance});
    m.known = !m.ranked.empty() && m.ranked.front().distance < 0.6;
    return m;
  };
  // Both faces are nearest to person 7; face 1 is nearer, face 0 falls back to 9.
  std::vector<AssignedName> names = assignJointly({ranked({{7, 0.40}, {9, 0.55}}), ranked({{7, 0.30}, {9, 0.70}})}, 0.6);
  EXPECT_EQ(names[1].personId, 7);
  EXPECT_EQ(names[0].personId, 9);
  EXPECT_TRUE(names[0].fellBack);
  EXPECT_FALSE(names[1].fellBack);
  EXPECT_DOUBLE_EQ(names[0].distance, 0.55);
  // Its next candidate is beyond the threshold: unknown.
  names = assignJointly({ranked({{7, 0.40}, {9, 0.65}}), ranked({{7, 0.30}})}, 0.6);
  EXPECT_EQ(names[0].personId, kNobody);
  EXPECT_TRUE(names[0].fellBack);
  // The same in the other order.
  names = assignJointly({ranked({{7, 0.30}}), ranked({{7, 0.40}, {9, 0.65}})}, 0.6);
  EXPECT_EQ(names[0].personId, 7);
  EXPECT_EQ(names[1].personId, kNobody);
  // Different people, and a face with no candidate at all, are left as they are.
  names = assignJointly({ranked({{7, 0.30}}), ranked({{9, 0.20}}), MatchResult{}}, 0.6);
  EXPECT_EQ(names[0].personId, 7);
  EXPECT_EQ(names[1].personId, 9);
  EXPECT_EQ(names[2].personId, kNobody);
  EXPECT_FALSE(names[2].fellBack);
}

}  // namespace
}  // namespace siamese
