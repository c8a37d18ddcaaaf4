#pragma once
// The Gallery tab: enrolled people with thumbnails and photo counts; add,
// rename and delete people; add photos by file dialog or drag and drop;
// each photo's aligned crop; "not this person" for a photo, and the
// person's corrections with undo; why refused photos were refused; re-embed
// after a model change; search; export and import archives. Every long
// job runs on a worker thread with progress and Cancel.

#include <QImage>
#include <QStringList>
#include <QWidget>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "StudioSession.h"
#include "gallery/Enrolment.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace siamese::ui {

class EnrolFromCameraDialog;
class JobRunner;

class GalleryTab : public QWidget {
  Q_OBJECT

 public:
  GalleryTab(StudioSession& session, QWidget* parent = nullptr);
  ~GalleryTab() override;

  /// Enrols `files` for `name` (created when new) on a worker thread;
  /// the report lists each photo's outcome.
  void enrolPhotos(const QString& name, const QStringList& files);
  /// Selects the person listed under `name` (their photos are read on a
  /// worker); false when they are not listed.
  bool selectPerson(const QString& name);
  /// Opens the guided "Enrol from camera" dialog (for the selected person).
  EnrolFromCameraDialog* openEnrolFromCamera();
  /// Reads the gallery again (on a worker); the lists follow.
  void refresh();
  /// True while people or photos are being read.
  bool reading() const;
  /// Embeds every photo for the active model (after a model change), on a worker.
  void reembed();
  /// The gallery's health for the active model (GalleryHealth.h), read on a
  /// worker; the findings, each with its action, replace the report list.
  void checkHealth();
  /// True while the health check runs.
  bool checkingHealth() const { return m_checkingHealth; }
  /// The last health check's pairs as a montage (null when it had none).
  const QImage& healthMontage() const { return m_healthMontage; }

  /// "Not this person" for one of the selected person's photos (a
  /// correction: the photo stops being a reference and is never named so).
  void rejectPhoto(qint64 photoId);
  /// Undoes a correction: a taken-back photo is a reference again, a
  /// rejected face is forgotten.
  void undoCorrection(qint64 photoId);
  /// The photo ids shown for the selected person, and of their corrections.
  QList<qint64> photoIdsShown() const;
  QList<qint64> correctionIdsShown() const;

  /// "Name (n photos)" for each person listed.
  QStringList peopleShown() const;
  /// The last enrolment report, one line per photo.
  QStringList reportLines() const;
  JobRunner* jobs() const { return m_jobs; }

 signals:
  void status(const QString& message);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  QString selectedName() const;
  void showPeople();
  void showPhotosOf(const QString& name);
  /// Runs a quick gallery edit on a worker; on success the session announces
  /// the change, on failure a warning titled `title` says why.
  void editInBackground(const QString& title, std::function<void(GalleryStore&)> edit);
  void addPerson();
  void renamePerson();
  void deletePerson();
  void addPhotosByDialog();
  void exportArchive();
  void importArchive();
  void showReport();
  /// Starts a job, or says that another one is still running.
  bool startJob(const QString& title, const std::function<void(const ProgressFn&, const StopToken&)>& job);

  StudioSession& m_session;
  JobRunner* m_jobs;
  QLineEdit* m_search;
  QListWidget* m_people;
  QLabel* m_photosTitle;
  QListWidget* m_photos;
  QLabel* m_correctionsTitle;
  QListWidget* m_corrections;  ///< faces marked as not the selected person
  QListWidget* m_report;
  QLabel* m_summary;
  std::vector<QPushButton*> m_personButtons;

  std::mutex m_outcomesMutex;  // filled by the worker, read when it ends
  std::vector<EnrolOutcome> m_outcomes;
  QString m_jobMessage;
  int m_photosRequest = 0;  ///< the latest photo read asked for; older answers are dropped
  bool m_readingPhotos = false;
  bool m_checkingHealth = false;
  QImage m_healthMontage;
  QPushButton* m_pairsButton;
};

}  // namespace siamese::ui
