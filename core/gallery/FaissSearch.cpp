// Exact FAISS search for Euclidean models. Each reference y is stored as
// [y, |y|²] in a flat inner-product index and a query x is asked as
// [2x, −1]: their product 2x·y − |y|² = |x|² − |x − y|², so the largest
// products are exactly the nearest references. The point of the detour is
// speed: Debian's libfaiss is built without AVX, so its flat L2 scan for one
// query is a scalar loop, while inner products go through BLAS (OpenBLAS's
// vectorised kernels). The candidates are then grouped by person and
// re-scored with the model's own distance, so the answers are brute force's.

#include <faiss/IndexFlat.h>
#include <faiss/utils/distances.h>
#include <omp.h>

#include <algorithm>
#include <mutex>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "common/Error.h"
#include "gallery/ReferenceSearch.h"
#include "gallery/detail/RankPeople.h"

namespace siamese {
namespace {

class FaissSearch final : public ReferenceSearch {
 public:
  FaissSearch(const std::vector<StoredEmbedding>& references, DistanceFn distance)
      : m_references(references),
        m_distance(std::move(distance)),
        m_dimension(references.empty() ? 1 : references.front().vector.size()),
        m_index(faiss::Index::idx_t(m_dimension + 1)) {
    // FAISS scans one query without BLAS unless told otherwise (a global that
    // only chooses how distances are computed, never what they are); set
    // once, as matchers may be built on several threads.
    static std::once_flag useBlas;
    std::call_once(useBlas, [] { faiss::distance_compute_blas_threshold = 1; });
    std::vector<float> packed;
    packed.reserve(references.size() * (m_dimension + 1));
    std::unordered_set<std::int64_t> people;
    for (const StoredEmbedding& r : references) {
      double squaredNorm = 0;
      for (const float x : r.vector) squaredNorm += double(x) * x;
      packed.insert(packed.end(), r.vector.begin(), r.vector.end());
      packed.push_back(float(squaredNorm));
      people.insert(r.personId);
    }
    m_index.add(faiss::Index::idx_t(references.size()), packed.data());
    m_people = people.size();
  }

  std::vector<MatchCandidate> nearestPeople(const std::vector<float>& query, std::size_t topK) const override {
    const std::size_t n = m_references.size();
    if (n == 0 || topK == 0) return {};
    if (query.size() != m_dimension) throw Error("embeddings of different sizes cannot be compared");
    // The k nearest references hold every person whose nearest reference is
    // among them. One person more than asked guards the last place against
    // float rounding; k grows until that many people turn up (or all are in).
    const std::size_t wanted = std::min(topK + 1, m_people);
    const std::size_t perPerson = (n + m_people - 1) / m_people;
    std::size_t k = std::min(n, std::max<std::size_t>(16, 2 * wanted * perPerson));
    std::vector<float> asked(m_dimension + 1, -1.0f);
    for (std::size_t i = 0; i < m_dimension; ++i) asked[i] = 2 * query[i];
    std::vector<float> products;
    std::vector<faiss::Index::idx_t> rows;
    std::unordered_map<std::int64_t, std::size_t> slotOfPerson;  // person -> index in `found`
    std::vector<MatchCandidate> found;
    for (;;) {
      products.resize(k);
      rows.resize(k);
      searchOneThread(asked, k, products, rows);
      slotOfPerson.clear();
      found.clear();
      std::vector<std::size_t> foundRows;
      for (const faiss::Index::idx_t signedRow : rows) {
        if (signedRow < 0) continue;  // fewer results than asked
        const auto row = std::size_t(signedRow);
        const StoredEmbedding& r = m_references[row];
        // Re-scored exactly: float rounding must not pick a different
        // nearest photo than brute force among near-equal ones (brute force
        // keeps the first of equal distances, so the lower row wins ties).
        const double d = m_distance(query, r.vector);
        const auto [slot, added] = slotOfPerson.emplace(r.personId, found.size());
        if (added) {
          found.push_back(MatchCandidate{r.personId, r.photoId, d});
          foundRows.push_back(row);
        } else if (d < found[slot->second].distance ||
                   (d == found[slot->second].distance && row < foundRows[slot->second])) {
          found[slot->second] = MatchCandidate{r.personId, r.photoId, d};
          foundRows[slot->second] = row;
        }
      }
      if (found.size() >= wanted || k == n) break;
      k = std::min(n, k * 4);
    }
    detail::rankPeople(found, topK);
    return found;
  }

  std::string name() const override { return "faiss (exact flat index)"; }

 private:
  // FAISS opens an OpenMP parallel region per block of 1,024 references to
  // merge one query's results; on few cores the threads' wake-ups cost more
  // than the work. One thread, for this call only (the setting is per
  // calling thread and restored, so LibTorch's threads are not touched).
  void searchOneThread(const std::vector<float>& asked, std::size_t k, std::vector<float>& products,
                       std::vector<faiss::Index::idx_t>& rows) const {
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    try {
      m_index.search(1, asked.data(), faiss::Index::idx_t(k), products.data(), rows.data());
    } catch (...) {
      omp_set_num_threads(threads);
      throw;
    }
    omp_set_num_threads(threads);
  }

  const std::vector<StoredEmbedding>& m_references;
  DistanceFn m_distance;
  std::size_t m_dimension;
  std::size_t m_people = 0;
  faiss::IndexFlatIP m_index;
};

}  // namespace

std::unique_ptr<ReferenceSearch> makeFaissSearch(const std::vector<StoredEmbedding>& references, DistanceFn distance) {
  return std::make_unique<FaissSearch>(references, std::move(distance));
}

}  // namespace siamese
