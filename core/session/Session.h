#pragma once
/// \file Session.h
/// The engine as every front end sees it: the active model (loaded once per
/// change and shared by all threads), the gallery (one SQLite connection
/// per thread), the threshold in force and the default paths, with "model
/// changed" and "gallery changed" announced to whoever listens. The desktop
/// app keeps one for its lifetime; each CLI command makes one from its
/// --model/--gallery/--threshold/--device options.
///
/// Thread rules: every method may be called from any thread. model() hands
/// out a shared, read-only model (embedding is safe from several threads);
/// encoder() and gallery() return objects owned by the calling thread,
/// made on its first call and made again after a change.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gallery/FaceEncoder.h"
#include "gallery/GalleryStore.h"
#include "gallery/MatchThreshold.h"
#include "nn/Embedder.h"

namespace siamese {

struct SessionSettings {
  std::string modelPath;    ///< empty: defaultModelPath() (the face tower when imported)
  std::string galleryPath;  ///< empty: galleryPathOrDefault()
  /// A command that only reads or edits what is there: a missing gallery
  /// file is a mistyped path, refused rather than made empty.
  GalleryOpening galleryOpening = GalleryOpening::CreateIfMissing;
  std::optional<double> threshold;  ///< none: calibrated, else estimated, else the model's (MatchThreshold.h)
  DevicePreference device = DevicePreference::Auto;
};

enum class SessionChange {
  Model,            ///< another model is active (or the device changed)
  Gallery,          ///< another gallery file is in use
  GalleryContents,  ///< people or photos were added, renamed or removed
  Threshold,        ///< the user's own threshold was set or cleared
};

class Session {
 public:
  explicit Session(SessionSettings settings = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  SessionSettings settings() const;
  /// The model file in use (the default resolved). throws Error when no model exists.
  std::string modelPath() const;
  /// The gallery file in use (the default resolved).
  std::string galleryPath() const;

  void setModelPath(const std::string& path);  ///< "" chooses the default again
  void setGalleryPath(const std::string& path);
  void setThreshold(std::optional<double> threshold);
  void setDevice(DevicePreference device);

  /// The active model, loaded on the first call after a change (callers
  /// racing for it wait for the one load). throws Error when it cannot be read.
  std::shared_ptr<Embedder> model();
  /// The active model if it has been loaded, else null (never loads).
  std::shared_ptr<Embedder> loadedModel() const;

  /// The calling thread's encoder for the active model (detector, crop,
  /// embedding). Valid until this thread calls encoder() after a model change.
  FaceEncoder& encoder();
  /// The calling thread's connection to the gallery. Valid until this
  /// thread calls gallery() after a gallery change.
  GalleryStore& gallery();
  /// The threshold in force for the active model on the gallery, and why.
  MatchThreshold threshold();

  /// Tells listeners that the gallery's contents changed (after an
  /// enrolment, a rename, a removal, an import).
  void galleryEdited();

  /// From now on, on the calling thread, gallery(), encoder() and a model()
  /// that would have to load throw Error instead of blocking: the desktop
  /// app calls it on its GUI thread, so a slip shows up in its tests.
  static void forbidBlockingCallsOnThisThread();

  using Listener = std::function<void(SessionChange)>;
  /// `listener` is called on the thread that made the change, after it is
  /// made. Returns an id for unsubscribe().
  int subscribe(Listener listener);
  void unsubscribe(int id);

 private:
  void announce(SessionChange change);

  const std::uint64_t m_serial;  ///< tells this session's per-thread objects from another's
  mutable std::mutex m_mutex;    ///< guards the settings, generations and listeners
  SessionSettings m_settings;
  std::uint64_t m_modelGeneration = 1;
  std::uint64_t m_galleryGeneration = 1;

  std::mutex m_loadMutex;  ///< held while the model loads, so it loads once
  std::shared_ptr<Embedder> m_model;
  std::uint64_t m_loadedGeneration = 0;

  std::map<int, Listener> m_listeners;
  int m_nextListener = 1;
};

}  // namespace siamese
