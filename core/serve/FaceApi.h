#pragma once
/// \file FaceApi.h
/// What `siamese serve` answers, without HTTP: compare two photos, identify
/// every face of one photo against the gallery, list the people, say how
/// the service is. Each answer is JSON with its HTTP status; every failure
/// is {"error": "..."} naming the upload and the problem (no face, several
/// faces, not an image, too many pixels). The gallery's index and the
/// threshold in force are read once and again after the gallery changes.

#include <memory>
#include <mutex>
#include <string>

#include "gallery/MatchThreshold.h"
#include "gallery/Matcher.h"

namespace siamese {

class Session;

struct ApiReply {
  int status = 200;
  std::string body;  ///< JSON
};

/// One uploaded file of a request.
struct Upload {
  std::string field;     ///< the form field ("a", "b", "photo")
  std::string filename;  ///< as the client named it (may be empty)
  const std::string* bytes = nullptr;
};

class FaceApi {
 public:
  /// `session` must outlive the API. Thread-safe: requests run on many threads.
  explicit FaceApi(Session& session);
  ~FaceApi();
  FaceApi(const FaceApi&) = delete;
  FaceApi& operator=(const FaceApi&) = delete;

  ApiReply compare(const Upload& a, const Upload& b);
  ApiReply identify(const Upload& photo);
  ApiReply people();
  ApiReply health();

  static ApiReply error(int status, const std::string& message);

 private:
  struct GalleryView {
    GalleryIndex index;
    MatchThreshold threshold;
  };
  std::shared_ptr<const GalleryView> gallery();

  Session& m_session;
  int m_subscription = 0;
  std::mutex m_mutex;  ///< guards m_gallery
  std::shared_ptr<const GalleryView> m_gallery;  ///< null: to be read again
};

}  // namespace siamese
