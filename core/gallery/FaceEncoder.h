#pragma once
/// \file FaceEncoder.h
/// One model's whole way from a photo to comparable numbers: detect, cut
/// the face out as the bundle says (template or dlib chip, size, colour),
/// embed (mirror-averaged when the bundle asks), and the bundle's distance.
/// Every path that turns photos into embeddings (enrolment, re-embedding,
/// identify, compare, live, benchmarks, the GUI) goes through one of these,
/// so a face is prepared the same way everywhere for a given model.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nn/Embedder.h"
#include "prep/FacePreparer.h"

namespace siamese {

/// Preparation settings that make crops like the ones `model` expects.
PrepareOptions prepareOptionsForModel(const BundleMetadata& model);

/// A face found in a photo, with its crop and embedding.
struct EncodedFace {
  FaceBox box;          ///< in the photo's coordinates
  AlignedFace face;     ///< the crop the model saw
  Embedding embedding;
};

/// The chosen face of a photo (see MultiFacePolicy), or why there is none.
struct EncodedPhoto {
  PreparedFace prepared;              ///< detection and crop, with the failure when !ok
  std::optional<Embedding> embedding; ///< set when prepared.ok
  bool ok() const { return prepared.ok; }
};

/// Not thread-safe (it owns a detector and uses the embedder); one per thread.
class FaceEncoder {
 public:
  /// `tune` may change the detector and the several-faces policy; the crop
  /// settings always come from the model. throws Error when the detector or
  /// landmark model cannot be loaded.
  explicit FaceEncoder(Embedder& embedder, const std::function<void(PrepareOptions&)>& tune = {});

  /// The photo's chosen face, embedded.
  EncodedPhoto encodePhoto(const Image& photo);
  /// Every face the detector finds in the photo, each cut out and embedded
  /// (one batched call).
  std::vector<EncodedFace> encodeAllFaces(const Image& photo);
  /// The crop of one given face box (a tracked face in a video frame).
  AlignedFace cropFace(const Image& image, const FaceBox& box) const;
  /// Embeds crops made by this encoder (batched).
  std::vector<Embedding> embed(const std::vector<Image>& crops);
  /// The model's distance between two embeddings.
  double distance(const Embedding& a, const Embedding& b) const { return m_embedder.distance(a, b); }

  const BundleMetadata& model() const { return m_embedder.metadata(); }

 private:
  Embedder& m_embedder;
  FacePreparer m_preparer;
};

}  // namespace siamese
