#include "serve/FaceApi.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/Version.h"
#include "gallery/FaceEncoder.h"
#include "gallery/JointAssignment.h"
#include "session/Session.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using Json = nlohmann::json;

/// Uploads are small photos: a tenth of the file-size guard the program
/// uses for files on disk, and the same pixel limits (checked from the
/// header, before decoding).
ImageLimits uploadLimits() {
  ImageLimits limits;
  limits.maxFileBytes = 25ull << 20;
  limits.maxPixels = 40'000'000;
  return limits;
}

std::string dataUrl(const Image& image) {
  const std::vector<std::uint8_t> png = encodeImage(image, ".png", "a face crop");
  std::string base64(4 * ((png.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()), png.data(), int(png.size()));
  base64.resize(std::size_t(written));
  return "data:image/png;base64," + base64;
}

std::string describe(const Upload& upload) {
  const std::string what = upload.field == "photo" ? "the photo" : "photo " + upload.field;
  return what + (upload.filename.empty() ? "" : " (" + upload.filename + ")");
}

/// The upload decoded, or the reply that says why it cannot be.
struct Decoded {
  Image image;
  std::optional<ApiReply> failure;
};

Decoded decodeUpload(const Upload& upload) {
  Decoded d;
  if (!upload.bytes || upload.bytes->empty()) {
    d.failure = FaceApi::error(400, describe(upload) + " is missing or empty: send it as a multipart form file");
    return d;
  }
  try {
    const std::vector<std::uint8_t> bytes(upload.bytes->begin(), upload.bytes->end());
    d.image = decodeImage(bytes, describe(upload), uploadLimits());
  } catch (const FileError& e) {
    d.failure = FaceApi::error(415, e.what());
  }
  return d;
}

Json boxJson(const FaceBox& box) {
  return {{"x", box.x}, {"y", box.y}, {"width", box.width}, {"height", box.height}};
}

}  // namespace

FaceApi::FaceApi(Session& session) : m_session(session) {
  m_subscription = m_session.subscribe([this](SessionChange) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_gallery.reset();  // any change: read the gallery and the threshold again
  });
}

FaceApi::~FaceApi() { m_session.unsubscribe(m_subscription); }

ApiReply FaceApi::error(int status, const std::string& message) {
  return ApiReply{status, Json{{"error", message}}.dump()};
}

std::shared_ptr<const FaceApi::GalleryView> FaceApi::gallery() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_gallery) return m_gallery;
  }
  auto model = m_session.model();
  auto view = std::make_shared<GalleryView>();
  view->index = loadGalleryIndex(m_session.gallery(), *model);
  view->threshold = m_session.threshold();
  std::lock_guard<std::mutex> lock(m_mutex);
  m_gallery = view;
  return view;
}

ApiReply FaceApi::compare(const Upload& a, const Upload& b) {
  const Decoded first = decodeUpload(a);
  if (first.failure) return *first.failure;
  const Decoded second = decodeUpload(b);
  if (second.failure) return *second.failure;
  // As enrolment reads a photo (with its retries for tightly cropped
  // faces); in a photo of several people the most central face is compared,
  // and the reply says so.
  FaceEncoder& encoder = m_session.encoder();
  const EncodedPhoto faces[2] = {encoder.encodePhoto(first.image), encoder.encodePhoto(second.image)};
  const Upload* uploads[2] = {&a, &b};
  Json notes = Json::array();
  for (int i = 0; i < 2; ++i) {
    if (!faces[i].ok()) return error(422, describe(*uploads[i]) + ": no face found");
    const int found = faces[i].prepared.facesFound;
    if (found > 1) {
      notes.push_back(describe(*uploads[i]) + " has " + std::to_string(found) +
                      " faces: the one nearest the middle was compared (identify names every face)");
    }
  }
  const double distance = encoder.distance(*faces[0].embedding, *faces[1].embedding);
  const double threshold = m_session.model()->metadata().threshold.value;
  const Json reply{{"same", distance < threshold},
                   {"distance", distance},
                   {"threshold", threshold},
                   {"model", encoder.model().modelId},
                   {"notes", notes},
                   {"crops", {{"a", dataUrl(faces[0].prepared.face.crop)}, {"b", dataUrl(faces[1].prepared.face.crop)}}}};
  return ApiReply{200, reply.dump()};
}

ApiReply FaceApi::identify(const Upload& photo) {
  const Decoded decoded = decodeUpload(photo);
  if (decoded.failure) return *decoded.failure;
  const std::vector<EncodedFace> faces = m_session.encoder().encodeAllFaces(decoded.image);
  if (faces.empty()) return error(422, describe(photo) + ": no face found");
  const auto view = gallery();
  std::vector<MatchResult> matches;
  for (const EncodedFace& face : faces) {
    matches.push_back(view->index.matcher->match(face.embedding, view->threshold.value, 3));
  }
  const std::vector<AssignedName> names = assignJointly(matches, view->threshold.value);
  Json list = Json::array();
  for (std::size_t f = 0; f < faces.size(); ++f) {
    Json candidates = Json::array();
    for (const MatchCandidate& c : matches[f].ranked) {
      candidates.push_back({{"name", view->index.names.at(c.personId)}, {"distance", c.distance}});
    }
    const bool known = names[f].personId != kNobody;
    list.push_back({{"box", boxJson(faces[f].box)},
                    {"name", known ? view->index.names.at(names[f].personId) : "unknown"},
                    {"known", known},
                    {"distance", matches[f].ranked.empty() ? Json() : Json(matches[f].ranked.front().distance)},
                    {"candidates", candidates},
                    {"crop", dataUrl(faces[f].face.crop)}});
  }
  const Json reply{{"faces", list},
                   {"width", decoded.image.width()},
                   {"height", decoded.image.height()},
                   {"threshold", view->threshold.value},
                   {"threshold_source", view->threshold.source}};
  return ApiReply{200, reply.dump()};
}

ApiReply FaceApi::people() {
  GalleryStore& store = m_session.gallery();
  Json list = Json::array();
  for (const GalleryPerson& person : store.people()) {
    const auto photos = store.photosOf(person.id);
    list.push_back({{"name", person.name},
                    {"photos", person.photoCount},
                    {"thumbnail", photos.empty() ? Json() : Json(dataUrl(store.cropOf(photos.front().id)))}});
  }
  return ApiReply{200, Json{{"people", list}}.dump()};
}

ApiReply FaceApi::health() {
  auto model = m_session.model();
  const auto view = gallery();
  const Json reply{{"status", "ok"},
                   {"version", kVersion},
                   {"model", model->metadata().name},
                   {"model_id", model->metadata().modelId},
                   {"device", model->deviceName()},
                   {"people", view->index.names.size()},
                   {"references", view->index.matcher ? view->index.matcher->size() : 0},
                   {"threshold", view->threshold.value},
                   {"threshold_source", view->threshold.source}};
  return ApiReply{200, reply.dump()};
}

}  // namespace siamese
