#include "session/Session.h"

#include <atomic>
#include <unordered_map>
#include <vector>

#include "common/DefaultPaths.h"
#include "common/Error.h"

namespace siamese {
namespace {

std::atomic<std::uint64_t> g_nextSerial{1};

/// What one thread holds for one session. Lives in thread-local storage so
/// that a worker's connection and detector close when the worker ends.
struct ThreadObjects {
  std::uint64_t galleryGeneration = 0;
  std::unique_ptr<GalleryStore> gallery;
  /// The model the encoder was made for (kept alive while it uses it); a
  /// different active model means a new encoder.
  std::shared_ptr<Embedder> encoderModel;
  std::unique_ptr<FaceEncoder> encoder;
};

thread_local std::unordered_map<std::uint64_t, ThreadObjects> t_objects;  // by session serial
thread_local bool t_mustNotBlock = false;

void refuseToBlock(const char* what) {
  if (t_mustNotBlock) {
    throw Error(std::string(what) + " was asked for on a thread that must not block (the GUI thread); "
                "run it on a worker");
  }
}

}  // namespace

Session::Session(SessionSettings settings) : m_serial(g_nextSerial++), m_settings(std::move(settings)) {}

Session::~Session() {
  // Other threads' objects close when those threads end; this thread's now.
  t_objects.erase(m_serial);
}

SessionSettings Session::settings() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_settings;
}

std::string Session::modelPath() const {
  const std::string chosen = settings().modelPath;
  return chosen.empty() ? defaultModelPath() : chosen;
}

std::string Session::galleryPath() const { return galleryPathOrDefault(settings().galleryPath); }

void Session::setModelPath(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_settings.modelPath = path;
    ++m_modelGeneration;
  }
  announce(SessionChange::Model);
}

void Session::setGalleryPath(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_settings.galleryPath = path;
    ++m_galleryGeneration;
  }
  announce(SessionChange::Gallery);
}

void Session::setThreshold(std::optional<double> threshold) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_settings.threshold == threshold) return;
    m_settings.threshold = threshold;
  }
  announce(SessionChange::Threshold);
}

void Session::setDevice(DevicePreference device) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_settings.device == device) return;
    m_settings.device = device;
    ++m_modelGeneration;
  }
  announce(SessionChange::Model);
}

std::shared_ptr<Embedder> Session::model() {
  std::lock_guard<std::mutex> loading(m_loadMutex);
  std::uint64_t generation = 0;
  DevicePreference device{};
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    generation = m_modelGeneration;
    device = m_settings.device;
  }
  if (m_model && m_loadedGeneration == generation) return m_model;
  refuseToBlock("loading the model");
  std::shared_ptr<Embedder> loaded = Embedder::load(modelPath(), device);
  std::lock_guard<std::mutex> lock(m_mutex);
  m_model = std::move(loaded);
  m_loadedGeneration = generation;
  return m_model;
}

std::shared_ptr<Embedder> Session::loadedModel() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_loadedGeneration == m_modelGeneration ? m_model : nullptr;
}

FaceEncoder& Session::encoder() {
  refuseToBlock("the face encoder (detector and landmarks)");
  ThreadObjects& mine = t_objects[m_serial];
  std::shared_ptr<Embedder> active = model();
  if (!mine.encoder || mine.encoderModel != active) {
    mine.encoder.reset();  // before the model it points to
    mine.encoderModel = active;
    mine.encoder = std::make_unique<FaceEncoder>(*active);
  }
  return *mine.encoder;
}

GalleryStore& Session::gallery() {
  refuseToBlock("the gallery database");
  ThreadObjects& mine = t_objects[m_serial];
  std::uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    generation = m_galleryGeneration;
  }
  if (!mine.gallery || mine.galleryGeneration != generation) {
    mine.gallery.reset();
    mine.gallery = std::make_unique<GalleryStore>(galleryPath(), settings().galleryOpening);
    mine.galleryGeneration = generation;
  }
  return *mine.gallery;
}

MatchThreshold Session::threshold() {
  std::shared_ptr<Embedder> active = model();
  return matchThresholdFor(gallery(), active->metadata(), settings().threshold, distanceOf(*active));
}

void Session::forbidBlockingCallsOnThisThread() { t_mustNotBlock = true; }

void Session::galleryEdited() { announce(SessionChange::GalleryContents); }

int Session::subscribe(Listener listener) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const int id = m_nextListener++;
  m_listeners.emplace(id, std::move(listener));
  return id;
}

void Session::unsubscribe(int id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_listeners.erase(id);
}

void Session::announce(SessionChange change) {
  std::vector<Listener> listeners;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto& [id, listener] : m_listeners) listeners.push_back(listener);
  }
  for (const Listener& listener : listeners) listener(change);  // outside the lock: a listener may call back in
}

}  // namespace siamese
