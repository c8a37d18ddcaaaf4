#pragma once
// The Live tab: pick a source (a camera found on this machine, a video
// file, a stream URL or an image folder), start and stop, watch named
// boxes with frames/s and per-stage timings, click a face to enrol it or
// to say it is not the person named (a correction that sticks), and save a
// snapshot.

#include <QElapsedTimer>
#include <QWidget>
#include <optional>
#include <vector>

#include "LiveRunner.h"
#include "StudioSession.h"

class QComboBox;
class QDialog;
class QLabel;
class QListWidget;
class QPushButton;

namespace siamese::ui {

class JobRunner;
class LiveView;

class LiveTab : public QWidget {
  Q_OBJECT

 public:
  LiveTab(StudioSession& session, QWidget* parent = nullptr);
  ~LiveTab() override;

  /// Starts on `source` (a camera index/device, file, URL or folder).
  void startSource(const QString& source);
  void stopLive();
  bool isRunning() const;
  /// The names shown in the last displayed frame ("unknown", "?" included).
  QStringList shownNames() const;
  /// The last frame shown (its faces carry the track ids enrolFace takes).
  const LiveFrame& lastFrame() const { return m_last; }
  JobRunner* jobs() const { return m_jobs; }
  /// Saves the annotated picture; false when there is none.
  bool saveSnapshot(const QString& path) const;
  /// Enrols the face of the last frame at `trackId` for `personName`
  /// (created when new), on a worker thread.
  void enrolFace(int trackId, const QString& personName);
  /// "Not this person" for the named face of the last frame at `trackId`:
  /// a correction in the gallery, on a worker thread. false when the face
  /// is not named or not embedded, or another change is running.
  bool rejectFace(int trackId);
  /// "Why this name?" for the face of the last frame at `trackId`: the
  /// nearest gallery photos of its top candidates, their distances, the
  /// threshold and the track's vote, drawn on a worker and shown in a
  /// window. false when the face is not embedded yet.
  bool explainFace(int trackId);
  bool explaining() const { return m_explaining; }
  /// The last explanation drawn (null before the first).
  const QImage& lastExplanation() const { return m_explanation; }

  /// The "New person?" cards: faces that stayed unknown, grouped across the
  /// session (read from the runner at most once a second while it runs).
  void refreshVisitors();
  int visitorsShown() const;
  /// Enrols the proposal holding track `trackId` under `personName`
  /// (created when new) from its best shots, on a worker; the card goes.
  bool enrolVisitor(int trackId, const QString& personName);
  void discardVisitor(int trackId);
  /// The proposals, as the cards show them.
  std::vector<VisitorCluster> visitors() const { return m_runner->visitors(); }

 signals:
  void framesPerSecondChanged(double fps);
  void modelDescribed(const QString& description);
  void status(const QString& message);

 private:
  void fillSources();
  QString chosenSource();
  void showFrame(const LiveFrame& frame);
  void onClicked(QPointF position);
  void enrolFaceFrom(const LiveFrame& frame, int trackId, const QString& personName);
  bool rejectFaceFrom(const LiveFrame& frame, int trackId);
  bool explainFaceFrom(const LiveFrame& frame, int trackId);
  void showExplanation();
  std::optional<VisitorCluster> visitorWithTrack(int trackId) const;
  void askNameForVisitor(int trackId);
  void updateButtons();

  StudioSession& m_session;
  StudioSettings& m_settings;
  LiveRunner* m_runner;
  JobRunner* m_jobs;
  QComboBox* m_source;
  QPushButton* m_start;
  QPushButton* m_stop;
  QPushButton* m_snapshot;
  LiveView* m_view;
  QLabel* m_timings;
  QLabel* m_cameraNote;
  QListWidget* m_faces;
  QListWidget* m_visitors;  ///< "New person?" cards
  QElapsedTimer m_visitorsShownAt;
  LiveFrame m_last;
  QImage m_explanation;
  QDialog* m_explanationDialog = nullptr;
  bool m_explaining = false;
};

}  // namespace siamese::ui
