#include "StudioSession.h"

#include <QPointer>

#include <QMetaObject>
#include <exception>
#include <memory>

#include "ImageConversion.h"
#include "ModelLabel.h"

namespace siamese::ui {
namespace {

SessionSettings engineSettings(const StudioSettings& settings) {
  SessionSettings s;
  s.modelPath = settings.modelPath.toStdString();
  s.galleryPath = settings.galleryPath.toStdString();
  s.threshold = settings.threshold;
  return s;
}

}  // namespace

StudioSession::StudioSession(QObject* parent)
    : QObject(parent), m_settings(StudioSettings::load()), m_engine(engineSettings(m_settings)) {
  // This is the GUI thread: the engine refuses to block it (tests catch a slip).
  Session::forbidBlockingCallsOnThisThread();
  // Two workers: the model can load while the people are read.
  m_workers.setMaxThreadCount(2);
  m_subscription = m_engine.subscribe([this](SessionChange change) {
    QMetaObject::invokeMethod(this, [this, change] { onEngineChange(change); }, Qt::QueuedConnection);
  });
  loadModel();
  readPeople();
}

StudioSession::~StudioSession() {
  m_engine.unsubscribe(m_subscription);
  m_workers.waitForDone();
}

void StudioSession::inBackground(QObject* context, std::function<void()> work,
                                 std::function<void(const QString&)> done) {
  // `context` may be deleted while the work runs (a tab closing with the
  // window): the answer is posted to the session, which outlives its
  // workers, and `done` runs only if `context` still exists by then.
  const QPointer<QObject> guard(context);
  m_workers.start([this, work = std::move(work), done = std::move(done), guard] {
    QString error;
    try {
      work();
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(this, [done, error, guard] {
      if (guard) done(error);
    }, Qt::QueuedConnection);
  });
}

void StudioSession::applySettings() {
  m_settings.save();
  m_engine.setThreshold(m_settings.threshold);
}

void StudioSession::useModel(const QString& path) {
  m_settings.modelPath = path;
  m_settings.save();
  m_engine.setModelPath(path.toStdString());
}

void StudioSession::useGallery(const QString& path) {
  m_settings.galleryPath = path;
  m_settings.save();
  m_engine.setGalleryPath(path.toStdString());
}

void StudioSession::galleryEdited() { m_engine.galleryEdited(); }

void StudioSession::onEngineChange(SessionChange change) {
  switch (change) {
    case SessionChange::Model:
      m_modelDescription.clear();
      emit modelChanged();
      loadModel();
      break;
    case SessionChange::Gallery:
    case SessionChange::GalleryContents:
      emit galleryChanged();
      readPeople();
      break;
    case SessionChange::Threshold:
      break;
  }
}

void StudioSession::loadModel() {
  m_loadingModel = true;
  auto description = std::make_shared<QString>();
  inBackground(this, [this, description] {
    auto model = m_engine.model();
    *description = modelLabel(model->metadata(), model->deviceName());
  }, [this, description](const QString& error) {
    m_loadingModel = false;
    if (!error.isEmpty()) {
      emit modelFailed(error);
      return;
    }
    m_modelDescription = *description;
    emit modelReady(m_modelDescription);
  });
}

QStringList StudioSession::peopleNames() const {
  QStringList names;
  for (const PersonSummary& p : m_people) names << p.name;
  return names;
}

void StudioSession::readPeople() {
  if (m_readingPeople) {
    m_readPeopleAgain = true;
    return;
  }
  m_readingPeople = true;
  auto people = std::make_shared<QVector<PersonSummary>>();
  inBackground(this, [this, people] {
    GalleryStore& store = m_engine.gallery();
    for (const GalleryPerson& person : store.people()) {
      PersonSummary summary{QString::fromStdString(person.name), int(person.photoCount), {}};
      const auto photos = store.photosOf(person.id);
      if (!photos.empty()) summary.thumbnail = toQImage(store.cropOf(photos.front().id));
      people->push_back(std::move(summary));
    }
  }, [this, people](const QString& error) {
    m_readingPeople = false;
    if (m_readPeopleAgain) {
      m_readPeopleAgain = false;
      readPeople();
      return;
    }
    if (!error.isEmpty()) {
      emit peopleReadFailed(error);
      return;
    }
    m_people = *people;
    emit peopleRead();
  });
}

}  // namespace siamese::ui
