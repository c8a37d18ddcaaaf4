#include "gallery/FaceEncoder.h"

namespace siamese {

PrepareOptions prepareOptionsForModel(const BundleMetadata& model) {
  PrepareOptions options;
  options.align.cropSize = model.input.cropSize;
  options.align.colour = model.input.channels == 3;
  options.align.padding = model.input.padding;
  options.align.method = parseAlignMethod(model.input.alignment);
  return options;
}

namespace {

PrepareOptions encoderOptions(const BundleMetadata& model, const std::function<void(PrepareOptions&)>& tune) {
  PrepareOptions options = prepareOptionsForModel(model);
  if (tune) tune(options);
  options.align = prepareOptionsForModel(model).align;  // the crop is the model's to decide, whatever was tuned
  return options;
}

}  // namespace

FaceEncoder::FaceEncoder(Embedder& embedder, const std::function<void(PrepareOptions&)>& tune)
    : m_embedder(embedder), m_preparer(encoderOptions(embedder.metadata(), tune), embedder.metadata().input.alignedFaces) {}

EncodedPhoto FaceEncoder::encodePhoto(const Image& photo) {
  EncodedPhoto encoded;
  encoded.prepared = m_preparer.prepare(photo);
  if (encoded.prepared.ok) encoded.embedding = m_embedder.embed({encoded.prepared.face.crop}).front();
  return encoded;
}

std::vector<EncodedFace> FaceEncoder::encodeAllFaces(const Image& photo) {
  const PreparedFace prepared = m_preparer.prepare(photo);
  std::vector<EncodedFace> faces;
  std::vector<Image> crops;
  for (const FaceBox& box : prepared.faces) {
    EncodedFace face;
    face.box = box;
    face.face = m_preparer.alignFace(photo, box);
    crops.push_back(face.face.crop);
    faces.push_back(std::move(face));
  }
  if (crops.empty()) return faces;
  std::vector<Embedding> embeddings = m_embedder.embed(crops);
  for (std::size_t i = 0; i < faces.size(); ++i) faces[i].embedding = std::move(embeddings[i]);
  return faces;
}

AlignedFace FaceEncoder::cropFace(const Image& image, const FaceBox& box) const {
  return m_preparer.alignFace(image, box);
}

std::vector<Embedding> FaceEncoder::embed(const std::vector<Image>& crops) { return m_embedder.embed(crops); }

}  // namespace siamese
