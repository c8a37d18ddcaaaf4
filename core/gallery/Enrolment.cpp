#include "gallery/Enrolment.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "vision/ImageIO.h"

namespace siamese {

Enroller::Enroller(GalleryStore& store, Embedder& embedder, const EnrolOptions& options)
    : m_store(store), m_encoder(embedder, [&options](PrepareOptions& o) {
        o.detector.kind = options.detector;
        o.multiFace = options.refuseSeveralFaces ? MultiFacePolicy::Refuse : MultiFacePolicy::Largest;
      }) {}

EnrolOutcome Enroller::enrolFile(std::int64_t personId, const std::string& path) { return storeFile(personId, path, false); }

EnrolOutcome Enroller::rejectFile(std::int64_t personId, const std::string& path) { return storeFile(personId, path, true); }

EnrolOutcome Enroller::storeFile(std::int64_t personId, const std::string& path, bool rejected) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = readFileBytes(path);
  } catch (const FileError& e) {
    EnrolOutcome outcome;
    outcome.message = e.what();
    return outcome;
  }
  return encodeAndStore(personId, bytes, path, rejected);
}

EnrolOutcome Enroller::enrolPhoto(std::int64_t personId, const std::vector<std::uint8_t>& bytes,
                                  const std::string& path) {
  return encodeAndStore(personId, bytes, path, false);
}

EnrolOutcome Enroller::encodeAndStore(std::int64_t personId, const std::vector<std::uint8_t>& bytes,
                                      const std::string& path, bool rejected) {
  EnrolOutcome outcome;
  EncodedPhoto encoded;
  try {
    encoded = m_encoder.encodePhoto(decodeImage(bytes, path));
  } catch (const FileError& e) {
    outcome.message = e.what();
    return outcome;
  }
  const PreparedFace& face = encoded.prepared;
  outcome.facesFound = face.facesFound;
  if (!face.ok) {
    outcome.status = face.facesFound > 1 ? EnrolStatus::SeveralFaces : EnrolStatus::NoFace;
    outcome.message = path + ": " + face.failure;
    return outcome;
  }
  outcome = (rejected ? rejectEncodedFace : enrolEncodedFace)(m_store, personId, bytes, path, face.face.crop,
                                                               face.face.aligned, m_encoder.model().modelId,
                                                               *encoded.embedding);
  outcome.facesFound = face.facesFound;
  if (outcome.added() && face.facesFound > 1) {
    outcome.message += " (" + std::to_string(face.facesFound) + " faces in the photo; the largest was used)";
  }
  return outcome;
}

EnrolOutcome enrolEncodedFace(GalleryStore& store, std::int64_t personId, const std::vector<std::uint8_t>& photo,
                              const std::string& source, const Image& crop, bool aligned, const std::string& modelId,
                              const Embedding& embedding) {
  if (crop.empty() || embedding.empty()) throw Error(source + ": the face has no crop or embedding yet");
  EnrolOutcome outcome;
  outcome.facesFound = 1;
  // The photo and its embedding land together: a photo left without one
  // would be skipped as a duplicate by a re-run and never matched.
  GalleryStore::ChangeScope change(store);
  const auto photoId = store.addPhoto(personId, source, photo, crop, aligned);
  if (!photoId) {
    outcome.status = EnrolStatus::Duplicate;
    outcome.message = source + ": this photo is already enrolled for this person (skipped)";
    return outcome;
  }
  store.setEmbedding(*photoId, modelId, embedding);
  change.commit();
  outcome.status = EnrolStatus::Added;
  outcome.photoId = photoId;
  outcome.message = source + ": added";
  return outcome;
}

EnrolOutcome rejectEncodedFace(GalleryStore& store, std::int64_t personId, const std::vector<std::uint8_t>& photo,
                               const std::string& source, const Image& crop, bool aligned, const std::string& modelId,
                               const Embedding& embedding) {
  if (crop.empty() || embedding.empty()) throw Error(source + ": the face has no crop or embedding yet");
  GalleryStore::ChangeScope change(store);
  const std::int64_t photoId = store.addRejection(personId, source, photo, crop, aligned);
  // A reference photo taken back keeps the embeddings it has.
  if (!store.hasEmbedding(photoId, modelId)) store.setEmbedding(photoId, modelId, embedding);
  change.commit();
  EnrolOutcome outcome;
  outcome.facesFound = 1;
  outcome.status = EnrolStatus::Added;
  outcome.photoId = photoId;
  outcome.message = source + ": recorded as a correction (" + std::to_string(photoId) + ")";
  return outcome;
}

ReembedSummary reembedGallery(GalleryStore& store, Embedder& embedder, const ProgressFn& progress,
                              const StopToken* stop) {
  const BundleMetadata& model = embedder.metadata();
  FaceEncoder encoder(embedder, [](PrepareOptions& o) { o.multiFace = MultiFacePolicy::Largest; });  // as enrolment chose
  ReembedSummary summary;
  // Embeddings of the wrong size (an altered archive) are made anew too.
  summary.repaired = store.removeEmbeddingsNotOfSize(model.modelId, std::size_t(model.network.embeddingSize));
  const auto todo = store.photosWithoutEmbedding(model.modelId);
  ProgressThrottle throttle;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    if (stop && stop->stopRequested()) {
      summary.stopped = true;
      break;
    }
    const std::string name = "gallery photo " + std::to_string(todo[i]);
    EncodedPhoto encoded;
    try {
      encoded = encoder.encodePhoto(decodeImage(store.originalOf(todo[i]), name));
    } catch (const FileError&) {
      encoded.prepared.ok = false;
    }
    if (encoded.ok()) {
      store.setEmbedding(todo[i], model.modelId, *encoded.embedding);
      ++summary.embedded;
    } else {
      ++summary.failed;
    }
    if (progress && (throttle.due() || i + 1 == todo.size())) progress(Progress{i + 1, todo.size(), 0, ""});
  }
  return summary;
}

}  // namespace siamese
