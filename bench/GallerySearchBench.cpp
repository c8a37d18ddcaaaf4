// bench_gallery_search: how long GalleryMatcher takes to rank the people
// for one face, brute force against FAISS's exact flat index, for
// galleries of 1,000 to 1,000,000 enrolled embeddings; the size from which
// FAISS is faster (the crossover GalleryMatcher's Auto search uses); and,
// for information, an approximate IVF index with its recall.
//
//   bench_gallery_search [--sizes 1000,100000,1000000] [--seconds 2] [--no-sweep] [--no-ivf]
//
// Embeddings are synthetic but shaped like a face gallery: people are
// random directions, each with 5 photos scattered around theirs, all
// L2-normalised like the model's output. Half the queries are new photos of
// enrolled people, half are strangers. Queries run one at a time on one
// thread, as identify and live video issue them.

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "gallery/Matcher.h"
#include "nn/ModelBundle.h"

namespace {

using siamese::GalleryMatcher;
using siamese::MatchResult;
using siamese::SearchBackend;
using siamese::SearchOptions;
using siamese::StoredEmbedding;
using Clock = std::chrono::steady_clock;

constexpr int kPhotosPerPerson = 5;

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

double euclidean(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += double(a[i] - b[i]) * double(a[i] - b[i]);
  return std::sqrt(sum);
}

// The default model's embedding size, read from its bundle; 128 (the model
// card's figure) when the bundle is not there.
int embeddingSize() {
  const std::string bundle = std::string(SIAMESE_MODELS_DIR) + "/default.siamese";
  try {
    if (std::filesystem::exists(bundle)) return siamese::readBundle(bundle).metadata.network.embeddingSize;
  } catch (const std::exception&) {
  }
  return 128;
}

class Synthetic {
 public:
  explicit Synthetic(int dimension) : m_dimension(dimension), m_rng(42) {}

  std::vector<float> unit() {
    std::vector<float> v(static_cast<std::size_t>(m_dimension));
    for (float& x : v) x = m_normal(m_rng);
    return normalised(std::move(v));
  }

  // A photo of the person whose direction is `centre`.
  std::vector<float> near(const std::vector<float>& centre) {
    std::vector<float> v = centre;
    const float spread = 0.6f / std::sqrt(float(m_dimension));
    for (float& x : v) x += spread * m_normal(m_rng);
    return normalised(std::move(v));
  }

 private:
  static std::vector<float> normalised(std::vector<float> v) {
    double norm = 0;
    for (float x : v) norm += double(x) * x;
    for (float& x : v) x = float(x / std::sqrt(norm));
    return v;
  }

  int m_dimension;
  std::mt19937 m_rng;
  std::normal_distribution<float> m_normal;
};

struct Gallery {
  std::vector<StoredEmbedding> references;
  std::vector<std::vector<float>> centres;
  std::vector<std::vector<float>> queries;
};

Gallery makeGallery(std::size_t size, int dimension, std::size_t queryCount) {
  Synthetic synthetic(dimension);
  Gallery g;
  g.references.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    if (i % kPhotosPerPerson == 0) g.centres.push_back(synthetic.unit());
    g.references.push_back(StoredEmbedding{std::int64_t(i), std::int64_t(g.centres.size()), synthetic.near(g.centres.back())});
  }
  std::mt19937 pick(7);
  for (std::size_t q = 0; q < queryCount; ++q) {
    g.queries.push_back(q % 2 == 0 ? synthetic.near(g.centres[pick() % g.centres.size()]) : synthetic.unit());
  }
  return g;
}

struct Timing {
  double buildSeconds = 0;
  double msPerQuery = 0;
  std::vector<std::int64_t> topPerson;  // per query, for agreement and recall
};

// Builds a matcher and runs queries for about `budget` seconds (at least 5).
Timing timeMatcher(const Gallery& g, SearchBackend backend, double budget) {
  SearchOptions options;
  options.backend = backend;
  options.euclidean = true;
  Timing t;
  const auto built = Clock::now();
  const GalleryMatcher matcher(g.references, euclidean, options);
  t.buildSeconds = seconds(built);
  const auto start = Clock::now();
  std::size_t n = 0;
  while (n < g.queries.size() && (n < 5 || seconds(start) < budget)) {
    const MatchResult r = matcher.match(g.queries[n], 0.6, 5);
    t.topPerson.push_back(r.ranked.empty() ? -1 : r.ranked.front().personId);
    ++n;
  }
  t.msPerQuery = 1000.0 * seconds(start) / double(n);
  return t;
}

// An approximate inverted-file index: only `nprobe` of the clusters are
// scanned per query. Not used by the matcher; measured to show what
// exactness costs at a million embeddings. Recall@1: the share of queries
// whose nearest person is the exact search's.
struct IvfResult {
  double buildSeconds = 0;
  std::size_t lists = 0;
  std::vector<std::size_t> probes;
  std::vector<double> msPerQuery;
  std::vector<double> recallEnrolled, recallStrangers;  // queries of enrolled people / of strangers
};

IvfResult timeIvf(const Gallery& g, int dimension, const std::vector<std::int64_t>& exactTop, double budget) {
  // FaissSearch switched single queries to BLAS; IVF's small scans run
  // better on FAISS's own default.
  const int blasThreshold = faiss::distance_compute_blas_threshold;
  faiss::distance_compute_blas_threshold = 20;
  const std::size_t n = g.references.size();
  IvfResult result;
  result.lists = std::max<std::size_t>(16, std::size_t(std::sqrt(double(n))));
  std::vector<float> packed;
  packed.reserve(n * std::size_t(dimension));
  for (const StoredEmbedding& r : g.references) packed.insert(packed.end(), r.vector.begin(), r.vector.end());
  const auto built = Clock::now();
  faiss::IndexFlatL2 quantiser(dimension);
  faiss::IndexIVFFlat index(&quantiser, std::size_t(dimension), result.lists);
  index.verbose = false;
  index.train(faiss::Index::idx_t(std::min(n, result.lists * 64)), packed.data());
  index.add(faiss::Index::idx_t(n), packed.data());
  result.buildSeconds = seconds(built);
  constexpr int kNeighbours = 20;
  std::vector<float> distances(kNeighbours);
  std::vector<faiss::Index::idx_t> rows(kNeighbours);
  for (const std::size_t probes : {8, 64}) {
    index.nprobe = probes;
    const auto start = Clock::now();
    std::size_t q = 0, agree[2] = {0, 0}, asked[2] = {0, 0};
    while (q < exactTop.size() && (q < 10 || seconds(start) < budget)) {
      index.search(1, g.queries[q].data(), kNeighbours, distances.data(), rows.data());
      const std::int64_t top = rows[0] < 0 ? -1 : g.references[std::size_t(rows[0])].personId;
      agree[q % 2] += top == exactTop[q] ? 1 : 0;  // even queries are enrolled people
      ++asked[q % 2];
      ++q;
    }
    result.probes.push_back(probes);
    result.msPerQuery.push_back(1000.0 * seconds(start) / double(q));
    result.recallEnrolled.push_back(double(agree[0]) / double(asked[0]));
    result.recallStrangers.push_back(double(agree[1]) / double(asked[1]));
  }
  faiss::distance_compute_blas_threshold = blasThreshold;
  return result;
}

std::size_t agreement(const Timing& a, const Timing& b) {
  std::size_t same = 0;
  for (std::size_t i = 0; i < std::min(a.topPerson.size(), b.topPerson.size()); ++i) same += a.topPerson[i] == b.topPerson[i];
  return same;
}

std::vector<std::size_t> parseSizes(const std::string& text) {
  std::vector<std::size_t> sizes;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    sizes.push_back(std::size_t(std::stoull(text.substr(start, comma - start))));
    start = comma + 1;
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes = {1000, 100000, 1000000};
  double budget = 2.0;
  bool sweep = true, ivf = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--sizes" && i + 1 < argc) {
      sizes = parseSizes(argv[++i]);
    } else if (arg == "--seconds" && i + 1 < argc) {
      budget = std::stod(argv[++i]);
    } else if (arg == "--no-sweep") {
      sweep = false;
    } else if (arg == "--no-ivf") {
      ivf = false;
    } else {
      std::fprintf(stderr, "usage: %s [--sizes 1000,100000,1000000] [--seconds 2] [--no-sweep] [--no-ivf]\n", argv[0]);
      return 2;
    }
  }
  const int dimension = embeddingSize();
  std::printf("gallery search, %d-d embeddings, %d photos per person, one query at a time (ms/query: mean)\n\n",
              dimension, kPhotosPerPerson);

  if (sweep) {
    // Where FAISS overtakes brute force: the smallest size from which it is faster.
    std::printf("%10s %14s %14s\n", "crossover", "brute ms/q", "faiss ms/q");
    std::size_t crossover = 0;
    for (std::size_t size : {100, 250, 500, 1000, 2000, 4000, 8000, 16000}) {
      const Gallery g = makeGallery(size, dimension, 4000);
      const Timing brute = timeMatcher(g, SearchBackend::BruteForce, budget / 4);
      const Timing faiss = timeMatcher(g, SearchBackend::Faiss, budget / 4);
      std::printf("%10zu %14.4f %14.4f\n", size, brute.msPerQuery, faiss.msPerQuery);
      if (faiss.msPerQuery < brute.msPerQuery && crossover == 0) crossover = size;
      if (faiss.msPerQuery >= brute.msPerQuery) crossover = 0;  // only a lasting lead counts
    }
    std::printf("FAISS is faster from %zu embeddings on (GalleryMatcher's Auto switches at %zu)\n\n", crossover,
                siamese::kFaissCrossoverSize);
  }

  std::printf("%10s | %12s %9s | %12s %9s %10s\n", "embeddings", "brute ms/q", "build s", "faiss ms/q", "build s",
              "same top1");
  std::vector<std::string> ivfLines;
  for (const std::size_t size : sizes) {
    const Gallery g = makeGallery(size, dimension, 2000);
    const Timing brute = timeMatcher(g, SearchBackend::BruteForce, budget);
    const Timing faiss = timeMatcher(g, SearchBackend::Faiss, budget);
    const std::size_t compared = std::min(brute.topPerson.size(), faiss.topPerson.size());
    std::printf("%10zu | %12.4f %9.3f | %12.4f %9.3f %5zu/%-4zu\n", size, brute.msPerQuery, brute.buildSeconds,
                faiss.msPerQuery, faiss.buildSeconds, agreement(brute, faiss), compared);
    std::fflush(stdout);
    if (ivf && size >= 10000) {
      // Recall against the exact answers: the FAISS flat run's (identical to brute force's).
      const IvfResult approx = timeIvf(g, dimension, faiss.topPerson, budget);
      char line[256];
      std::snprintf(line, sizeof line, "%10zu | %9.3f | %6zu | %5zu %10.4f %7.1f%% %7.1f%% | %5zu %10.4f %7.1f%% %7.1f%%",
                    size, approx.buildSeconds, approx.lists, approx.probes[0], approx.msPerQuery[0],
                    100 * approx.recallEnrolled[0], 100 * approx.recallStrangers[0], approx.probes[1],
                    approx.msPerQuery[1], 100 * approx.recallEnrolled[1], 100 * approx.recallStrangers[1]);
      ivfLines.push_back(line);
    }
  }
  if (!ivfLines.empty()) {
    std::printf("\napproximate IVF (IndexIVFFlat; not used by the matcher), recall@1 against the exact search\n");
    std::printf("recall@1: the share of queries whose nearest person is the exact one, for new photos of enrolled\n"
                "people and for strangers (whose nearest person hardly matters: they should be unknown)\n");
    std::printf("%10s | %9s | %6s | %5s %10s %8s %8s | %5s %10s %8s %8s\n", "embeddings", "build s", "lists", "probe",
                "ms/q", "enrolled", "strangers", "probe", "ms/q", "enrolled", "strangers");
    for (const std::string& line : ivfLines) std::printf("%s\n", line.c_str());
  }
  return 0;
}
