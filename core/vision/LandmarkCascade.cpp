#include "vision/detail/LandmarkCascade.h"

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/opencv/cv_image.h>

#include <fstream>
#include <stdexcept>

namespace siamese::detail {
namespace {

// How many leaves ahead of the one being added are fetched from memory:
// enough to cover a memory round trip while a leaf of 136 floats is added.
constexpr std::size_t kPrefetchDistance = 8;

void prefetchRange(const float* begin, std::size_t count) {
  const char* p = reinterpret_cast<const char*>(begin);
  for (std::size_t offset = 0; offset < count * sizeof(float); offset += 64) __builtin_prefetch(p + offset);
}

}  // namespace

LandmarkCascade::LandmarkCascade(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  // dlib::shape_predictor's serialised form: a version, the mean shape,
  // the forests, and each cascade's feature pixels as (landmark, offset).
  int version = 0;
  dlib::deserialize(version, in);
  if (version != 1) throw dlib::serialization_error("not a dlib shape_predictor (version " + std::to_string(version) + ")");
  std::vector<std::vector<dlib::impl::regression_tree>> forests;
  std::vector<std::vector<unsigned long>> anchors;
  std::vector<std::vector<dlib::vector<float, 2>>> deltas;
  dlib::deserialize(m_initialShape, in);
  dlib::deserialize(forests, in);
  dlib::deserialize(anchors, in);
  dlib::deserialize(deltas, in);
  const std::size_t dims = std::size_t(m_initialShape.size());
  if (dims == 0 || dims % 2 || forests.empty() || forests[0].empty() || forests.size() != anchors.size() ||
      forests.size() != deltas.size()) {
    throw dlib::serialization_error("the landmark model's cascades are incomplete");
  }
  m_splitsPerTree = forests[0][0].splits.size();
  for (std::size_t c = 0; c < forests.size(); ++c) {
    Cascade cascade;
    cascade.anchors = std::move(anchors[c]);
    cascade.deltas = std::move(deltas[c]);
    const std::size_t features = cascade.deltas.size();
    if (cascade.anchors.size() != features) throw dlib::serialization_error("the landmark model's features are incomplete");
    for (unsigned long anchor : cascade.anchors) {
      if (anchor >= dims / 2) throw dlib::serialization_error("a landmark model feature refers to no landmark");
    }
    cascade.trees = forests[c].size();
    cascade.splits.reserve(cascade.trees * m_splitsPerTree);
    cascade.leaves.reserve(cascade.trees * (m_splitsPerTree + 1) * dims);
    for (const dlib::impl::regression_tree& tree : forests[c]) {
      // Evaluation walks a complete binary tree of the same depth everywhere.
      if (tree.splits.size() != m_splitsPerTree || tree.leaf_values.size() != m_splitsPerTree + 1) {
        throw dlib::serialization_error("the landmark model's trees are not all complete trees of one depth");
      }
      for (const dlib::impl::split_feature& split : tree.splits) {
        if (split.idx1 >= features || split.idx2 >= features) {
          throw dlib::serialization_error("a landmark model split refers to no feature");
        }
        cascade.splits.push_back({std::uint32_t(split.idx1), std::uint32_t(split.idx2), split.thresh});
      }
      for (const dlib::matrix<float, 0, 1>& leaf : tree.leaf_values) {
        if (std::size_t(leaf.size()) != dims) throw dlib::serialization_error("a landmark model leaf has the wrong size");
        cascade.leaves.insert(cascade.leaves.end(), &leaf(0), &leaf(0) + dims);
      }
    }
    m_cascades.push_back(std::move(cascade));
    forests[c].clear();  // dlib's copy goes as soon as ours is made
    forests[c].shrink_to_fit();
  }
}

template <typename DlibImage>
dlib::full_object_detection LandmarkCascade::fitImage(const DlibImage& image, const dlib::rectangle& box) const {
  const std::size_t dims = std::size_t(m_initialShape.size());
  const std::size_t leafCount = m_splitsPerTree + 1;
  dlib::matrix<float, 0, 1> shape = m_initialShape;
  std::vector<float> features;
  std::vector<const float*> chosen;
  for (const Cascade& cascade : m_cascades) {
    dlib::impl::extract_feature_pixel_values(image, box, shape, m_initialShape, cascade.anchors, cascade.deltas,
                                             features);
    // Every tree of a cascade reads the same features, so all leaves can be
    // chosen first and then added while the next ones arrive from memory.
    chosen.resize(cascade.trees);
    for (std::size_t t = 0; t < cascade.trees; ++t) {
      const Split* splits = cascade.splits.data() + t * m_splitsPerTree;
      std::size_t node = 0;
      while (node < m_splitsPerTree) {
        const Split& s = splits[node];
        node = features[s.first] - features[s.second] > s.threshold ? 2 * node + 1 : 2 * node + 2;
      }
      chosen[t] = cascade.leaves.data() + (t * leafCount + (node - m_splitsPerTree)) * dims;
    }
    float* out = &shape(0);
    for (std::size_t t = 0; t < cascade.trees; ++t) {
      if (t + kPrefetchDistance < cascade.trees) prefetchRange(chosen[t + kPrefetchDistance], dims);
      const float* leaf = chosen[t];
      for (std::size_t d = 0; d < dims; ++d) out[d] += leaf[d];
    }
  }
  const dlib::point_transform_affine toImage = dlib::impl::unnormalizing_tform(box);
  std::vector<dlib::point> parts(dims / 2);
  for (std::size_t i = 0; i < parts.size(); ++i) parts[i] = toImage(dlib::impl::location(shape, i));
  return dlib::full_object_detection(box, parts);
}

dlib::full_object_detection LandmarkCascade::fit(const cv::Mat& image, const dlib::rectangle& box) const {
  if (image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3)) {
    throw std::invalid_argument("landmarks are fitted on 8-bit grey or BGR images");
  }
  if (image.channels() == 1) return fitImage(dlib::cv_image<unsigned char>(image), box);
  return fitImage(dlib::cv_image<dlib::bgr_pixel>(image), box);
}

}  // namespace siamese::detail
