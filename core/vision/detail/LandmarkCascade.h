#pragma once
/// \file LandmarkCascade.h
/// dlib's 68-point landmark model (an ensemble of regression trees, Kazemi
/// and Sullivan 2014) evaluated from a compact copy of its trees. dlib keeps
/// each tree's splits and each leaf's 136 floats in allocations of their
/// own, so a fit walks 7,500 trees scattered over ~80 MB and waits on memory
/// for nearly all of its 4-8 ms per face. Here each cascade's splits sit in
/// one array and its leaves in another, so a fit reads memory in order and
/// the next leaves are fetched while the current ones are added. The
/// arithmetic is dlib's, in dlib's order (its own feature extraction, the
/// same comparisons, the leaves added tree by tree), so the landmarks are
/// the ones dlib::shape_predictor gives, point for point (AlignmentTest).

#include <dlib/image_processing/full_object_detection.h>
#include <dlib/matrix.h>

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace siamese::detail {

class LandmarkCascade {
 public:
  /// Reads a dlib shape_predictor file (shape_predictor_68_face_landmarks.dat).
  /// throws std::exception (dlib::serialization_error among them) when the
  /// file is not one, is truncated, or its trees are not complete binary
  /// trees over the features it defines.
  explicit LandmarkCascade(const std::string& path);

  std::size_t numParts() const { return m_initialShape.size() / 2; }

  /// The landmarks of the face in `box` of an 8-bit grey or BGR image.
  dlib::full_object_detection fit(const cv::Mat& image, const dlib::rectangle& box) const;

 private:
  struct Split {
    std::uint32_t first;   ///< feature indices: the split compares feature
    std::uint32_t second;  ///< first minus feature second with threshold
    float threshold;
  };
  struct Cascade {
    std::vector<unsigned long> anchors;         ///< each feature pixel's landmark
    std::vector<dlib::vector<float, 2>> deltas; ///< and its offset from it
    std::size_t trees = 0;
    std::vector<Split> splits;  ///< tree after tree, each in dlib's (heap) order
    std::vector<float> leaves;  ///< tree after tree, leaf after leaf, a shape each
  };

  template <typename DlibImage>
  dlib::full_object_detection fitImage(const DlibImage& image, const dlib::rectangle& box) const;

  dlib::matrix<float, 0, 1> m_initialShape;
  std::vector<Cascade> m_cascades;
  std::size_t m_splitsPerTree = 0;
};

}  // namespace siamese::detail
