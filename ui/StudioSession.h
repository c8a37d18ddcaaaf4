#pragma once
// The desktop app's one engine session (core Session) and its remembered
// settings, speaking Qt: the engine's change notices arrive as signals on
// the GUI thread, the model is loaded on a worker once per change, and the
// gallery's people are read on a worker into a snapshot the tabs show.
// Nothing here loads a model or touches SQLite on the GUI thread.

#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QVector>
#include <functional>

#include "StudioSettings.h"
#include "session/Session.h"

namespace siamese::ui {

/// One person as the Gallery tab and the Live tab show them.
struct PersonSummary {
  QString name;
  int photoCount = 0;
  QImage thumbnail;  ///< the first photo's aligned crop (null when none)
};

class StudioSession : public QObject {
  Q_OBJECT

 public:
  /// Takes the remembered settings (QSettings) and starts loading the model.
  explicit StudioSession(QObject* parent = nullptr);
  ~StudioSession() override;  ///< waits for the workers

  Session& engine() { return m_engine; }
  StudioSettings& settings() { return m_settings; }
  /// After settings() was edited (Preferences): saved, and the engine
  /// takes the threshold.
  void applySettings();
  /// Another model ("" for the default) / gallery from now on (remembered).
  void useModel(const QString& path);
  void useGallery(const QString& path);
  /// The gallery's contents were changed: the engine announces it (a
  /// running live view re-reads it) and the people are read again.
  void galleryEdited();

  /// The people as last read (empty before the first read ends).
  const QVector<PersonSummary>& people() const { return m_people; }
  QStringList peopleNames() const;
  /// The model's "name (id) · DEVICE" once loaded, else empty.
  QString modelDescription() const { return m_modelDescription; }
  /// True while the people or the model are being read.
  bool busy() const { return m_readingPeople || m_loadingModel; }

  /// Runs `work` on a worker thread (where engine().gallery() and
  /// engine().encoder() are that worker's own), then `done` on the GUI
  /// thread with the error message ("" when it succeeded), unless
  /// `context` was deleted meanwhile.
  void inBackground(QObject* context, std::function<void()> work, std::function<void(const QString&)> done);

  /// Reads the people again on a worker; peopleRead() follows.
  void readPeople();

 signals:
  void modelChanged();                            ///< another model was chosen; loading it starts
  void modelReady(const QString& description);    ///< loaded (once per change)
  void modelFailed(const QString& error);
  void galleryChanged();                          ///< another file, or other contents
  void peopleRead();
  void peopleReadFailed(const QString& error);

 private:
  void loadModel();
  void onEngineChange(SessionChange change);

  StudioSettings m_settings;
  Session m_engine;
  QThreadPool m_workers;
  int m_subscription = 0;

  QVector<PersonSummary> m_people;
  bool m_readingPeople = false;
  bool m_readPeopleAgain = false;  ///< a change came while reading: read once more
  bool m_loadingModel = false;
  QString m_modelDescription;
};

}  // namespace siamese::ui
