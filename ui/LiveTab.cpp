#include "LiveTab.h"

#include <QBuffer>
#include <QComboBox>
#include <QDialog>
#include <QScrollArea>
#include <QCursor>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <memory>
#include <optional>

#include "JobRunner.h"
#include "LiveView.h"
#include "common/Error.h"
#include "ImageConversion.h"
#include "gallery/Enrolment.h"
#include "gallery/MatchExplanation.h"
#include "gallery/MatchThreshold.h"
#include "session/ExplanationImage.h"
#include "vision/ImageIO.h"
#include "live/FrameSource.h"

namespace siamese::ui {
namespace {

const char* const kPickFile = "pick:file";
const char* const kPickFolder = "pick:folder";
const char* const kPickUrl = "pick:url";

}  // namespace

LiveTab::LiveTab(StudioSession& session, QWidget* parent)
    : QWidget(parent), m_session(session), m_settings(session.settings()), m_runner(new LiveRunner(this)), m_jobs(new JobRunner(this)) {
  m_source = new QComboBox;
  m_source->setMinimumWidth(260);
  m_start = new QPushButton(tr("Start"));
  m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  m_stop = new QPushButton(tr("Stop"));
  m_stop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
  m_snapshot = new QPushButton(tr("Snapshot…"));
  m_cameraNote = new QLabel;
  m_cameraNote->setWordWrap(true);
  m_view = new LiveView;
  m_view->setPlaceholder(tr("Choose a source and press Start.\nClick a face to enrol it."));
  m_timings = new QLabel;
  m_timings->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_faces = new QListWidget;
  m_faces->setMaximumWidth(280);
  m_visitors = new QListWidget;
  m_visitors->setViewMode(QListView::IconMode);
  m_visitors->setIconSize(QSize(72, 72));
  m_visitors->setResizeMode(QListView::Adjust);
  m_visitors->setMovement(QListView::Static);
  m_visitors->setMaximumWidth(280);
  m_visitors->setContextMenuPolicy(Qt::CustomContextMenu);
  m_visitors->setToolTip(tr("Faces that stayed unknown, grouped across the session. Right-click (or double-click) "
                            "one to enrol it under a name, or to discard it."));

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Source:")));
  controls->addWidget(m_source, 1);
  controls->addWidget(m_start);
  controls->addWidget(m_stop);
  controls->addWidget(m_snapshot);
  auto* side = new QVBoxLayout;
  side->addWidget(new QLabel(tr("Faces in view")));
  side->addWidget(m_faces, 1);
  side->addWidget(new QLabel(tr("New person?")));
  side->addWidget(m_visitors, 1);
  side->addWidget(m_timings);
  auto* body = new QHBoxLayout;
  body->addWidget(m_view, 1);
  body->addLayout(side);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(m_cameraNote);
  layout->addLayout(body, 1);

  fillSources();
  connect(m_start, &QPushButton::clicked, this, [this] {
    const QString source = chosenSource();
    if (!source.isEmpty()) startSource(source);
  });
  connect(m_stop, &QPushButton::clicked, this, &LiveTab::stopLive);
  connect(m_snapshot, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save snapshot"), "snapshot.png", tr("Images (*.png *.jpg)"));
    if (!path.isEmpty() && !saveSnapshot(path)) {
      QMessageBox::warning(this, tr("Snapshot"), tr("Could not write %1.").arg(path));
    }
  });
  connect(m_view, &LiveView::clicked, this, &LiveTab::onClicked);
  connect(m_runner, &LiveRunner::frameReady, this, &LiveTab::showFrame);
  connect(m_visitors, &QListWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    const QListWidgetItem* item = m_visitors->itemAt(at);
    if (!item) return;
    QMenu menu(this);
    QAction* enrol = menu.addAction(tr("Enrol as…"));
    QAction* discard = menu.addAction(tr("Discard"));
    QAction* chosen = menu.exec(m_visitors->viewport()->mapToGlobal(at));
    const int track = item->data(Qt::UserRole).toInt();
    if (chosen == enrol) askNameForVisitor(track);
    if (chosen == discard) discardVisitor(track);
  });
  connect(m_visitors, &QListWidget::itemDoubleClicked, this,
          [this](QListWidgetItem* item) { askNameForVisitor(item->data(Qt::UserRole).toInt()); });
  connect(m_runner, &LiveRunner::statusChanged, this, &LiveTab::status);
  connect(m_runner, &LiveRunner::modelLoaded, this, &LiveTab::modelDescribed);
  connect(m_runner, &LiveRunner::stopped, this, [this](const QString& error) {
    updateButtons();
    refreshVisitors();
    emit framesPerSecondChanged(0);
    if (!error.isEmpty()) {
      emit status(error);
      QMessageBox::warning(this, tr("Live"), error);
    } else {
      emit status(tr("Live stopped"));
    }
  });
  connect(m_jobs, &JobRunner::finished, this, [this](bool ok, bool, const QString& error) {
    if (!ok) {
      QMessageBox::warning(this, tr("Enrol"), error);
      return;
    }
    m_session.galleryEdited();  // a running view re-reads the gallery on its own thread
  });
  updateButtons();
}

LiveTab::~LiveTab() { m_runner->stop(); }

void LiveTab::fillSources() {
  m_source->clear();
  const auto cameras = listCameraDevices();
  for (const std::string& device : cameras) {
    m_source->addItem(tr("Camera %1").arg(QString::fromStdString(device)), QString::fromStdString(device));
  }
  m_cameraNote->setText(tr("No camera found on this machine: choose a video file, a stream URL or an image folder."));
  m_cameraNote->setVisible(cameras.empty());
  if (!m_settings.liveSource.isEmpty() && m_source->findData(m_settings.liveSource) < 0) {
    m_source->addItem(m_settings.liveSource, m_settings.liveSource);
  }
  m_source->addItem(tr("Video file…"), kPickFile);
  m_source->addItem(tr("Image folder…"), kPickFolder);
  m_source->addItem(tr("Stream URL (RTSP/HTTP)…"), kPickUrl);
  const int last = m_source->findData(m_settings.liveSource);
  if (last >= 0) m_source->setCurrentIndex(last);
}

QString LiveTab::chosenSource() {
  const QString data = m_source->currentData().toString();
  if (data == kPickFile) {
    return QFileDialog::getOpenFileName(this, tr("Video file"), {}, tr("Videos (*.mp4 *.avi *.mkv *.mov *.webm);;All files (*)"));
  }
  if (data == kPickFolder) return QFileDialog::getExistingDirectory(this, tr("Folder of images"));
  if (data == kPickUrl) {
    return QInputDialog::getText(this, tr("Stream"), tr("RTSP or HTTP address:"), QLineEdit::Normal, "rtsp://");
  }
  return data;
}

void LiveTab::startSource(const QString& source) {
  LivePipelineSettings live;
  live.source = source.toStdString();
  live.detector = m_settings.detector.toStdString();
  live.detectEvery = m_settings.detectEvery;
  live.detectInBackground = m_settings.detectInBackground && defaultDetectInBackground();
  if (!m_runner->start(m_session.engine(), live)) return;
  m_settings.liveSource = source;
  m_settings.save();
  if (m_source->findData(source) < 0) m_source->insertItem(0, source, source);
  m_source->setCurrentIndex(m_source->findData(source));
  m_view->setPlaceholder(tr("Opening %1…").arg(source));
  updateButtons();
}

void LiveTab::stopLive() { m_runner->stop(); }

bool LiveTab::isRunning() const { return m_runner->running(); }

void LiveTab::updateButtons() {
  const bool running = m_runner->running();
  m_start->setEnabled(!running);
  m_stop->setEnabled(running);
  m_source->setEnabled(!running);
}

void LiveTab::showFrame(const LiveFrame& frame) {
  m_last = frame;
  m_view->setImage(frame.annotated);
  const StageTimings& t = frame.result.timings;
  m_timings->setText(tr("%1 frames/s\ncapture %2 ms\ndetect %3 ms%4\nalign %5 ms\nembed %6 ms\nmatch %7 ms")
                         .arg(frame.framesPerSecond, 0, 'f', 1)
                         .arg(t.captureMs, 0, 'f', 1)
                         .arg(t.detectMs, 0, 'f', 1)
                         .arg(!frame.result.detectionFrame ? tr(" (tracked)")
                              : frame.result.detectionLate ? tr(" (waited for the 2nd core)")
                                                           : QString())
                         .arg(t.alignMs, 0, 'f', 1)
                         .arg(t.embedMs, 0, 'f', 1)
                         .arg(t.matchMs, 0, 'f', 2));
  m_faces->clear();
  for (const LiveFace& face : frame.result.faces) {
    QString line = tr("#%1  %2").arg(face.trackId).arg(QString::fromStdString(face.shownName));
    if (face.shownPersonId != kUndecidedPerson) line += tr("  %1").arg(face.shownDistance, 0, 'f', 2);
    m_faces->addItem(line);
  }
  emit framesPerSecondChanged(frame.framesPerSecond);
  if (!m_visitorsShownAt.isValid() || m_visitorsShownAt.elapsed() > 1000) refreshVisitors();
  m_runner->frameShown();
}

QStringList LiveTab::shownNames() const {
  QStringList names;
  for (const LiveFace& face : m_last.result.faces) names << QString::fromStdString(face.shownName);
  return names;
}

bool LiveTab::saveSnapshot(const QString& path) const {
  return saveOwnerOnly(m_last.annotated, path);
}

void LiveTab::onClicked(QPointF position) {
  // The frame as clicked: new frames keep arriving while the menu is open.
  const LiveFrame clicked = m_last;
  for (const LiveFace& face : clicked.result.faces) {
    const QRectF box(face.box.x, face.box.y, face.box.width, face.box.height);
    if (!box.contains(position)) continue;
    const QString shown = QString::fromStdString(face.shownName);
    QMenu menu(this);
    QAction* enrol = menu.addAction(tr("This is… (enrol the face)"));
    QAction* reject = nullptr;
    if (face.shownPersonId >= 0) reject = menu.addAction(tr("Not %1").arg(shown));
    menu.addSeparator();
    QAction* explain = menu.addAction(tr("Why this name?"));
    QAction* chosen = menu.exec(QCursor::pos());  // where the click was
    if (chosen == reject && reject) {
      rejectFaceFrom(clicked, face.trackId);
    } else if (chosen == explain) {
      if (!explainFaceFrom(clicked, face.trackId)) {
        QMessageBox::information(this, tr("Why this name?"), tr("This face has not been embedded yet; try again."));
      }
    } else if (chosen == enrol) {
      bool ok = false;
      const QStringList people = m_session.peopleNames();
      const QString suggestion = face.shownPersonId >= 0 ? shown : QString();
      const QString name = QInputDialog::getItem(this, tr("Enrol this face"),
                                                 tr("Person (a new name creates a new person):"), people,
                                                 std::max(0, int(people.indexOf(suggestion))), true, &ok);
      if (ok && !name.trimmed().isEmpty()) enrolFaceFrom(clicked, face.trackId, name.trimmed());
    }
    return;
  }
}

void LiveTab::enrolFace(int trackId, const QString& personName) { enrolFaceFrom(m_last, trackId, personName); }

bool LiveTab::rejectFace(int trackId) { return rejectFaceFrom(m_last, trackId); }

bool LiveTab::explainFace(int trackId) { return explainFaceFrom(m_last, trackId); }

void LiveTab::refreshVisitors() {
  m_visitorsShownAt.start();
  const std::vector<VisitorCluster> clusters = m_runner->visitors();
  m_visitors->clear();
  for (const VisitorCluster& c : clusters) {
    auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(toQImage(c.shots.front().crop))),
                                     tr("Visitor %1\n%2 visit(s)").arg(c.id).arg(c.trackIds.size()));
    item->setToolTip(tr("%1 looks, seen from %2 s to %3 s").arg(c.looks).arg(c.firstSeen, 0, 'f', 1).arg(c.lastSeen, 0, 'f', 1));
    item->setData(Qt::UserRole, c.trackIds.front());  // ids are renumbered as groups merge; tracks are not
    m_visitors->addItem(item);
  }
}

int LiveTab::visitorsShown() const { return m_visitors->count(); }

std::optional<VisitorCluster> LiveTab::visitorWithTrack(int trackId) const {
  for (const VisitorCluster& c : m_runner->visitors()) {
    if (std::find(c.trackIds.begin(), c.trackIds.end(), trackId) != c.trackIds.end()) return c;
  }
  return std::nullopt;
}

void LiveTab::askNameForVisitor(int trackId) {
  bool ok = false;
  const QString name = QInputDialog::getItem(this, tr("Enrol this visitor"), tr("Name (a new name creates a new person):"),
                                             m_session.peopleNames(), -1, true, &ok);
  if (ok && !name.trimmed().isEmpty()) enrolVisitor(trackId, name.trimmed());
}

bool LiveTab::enrolVisitor(int trackId, const QString& personName) {
  const auto cluster = visitorWithTrack(trackId);
  if (!cluster) return false;
  const std::string name = personName.toStdString();
  const std::string modelId = m_last.result.modelId;
  const bool started = m_jobs->start(tr("Enrolling %1").arg(personName), [this, name, modelId, c = *cluster](const ProgressFn&, const StopToken&) {
    GalleryStore& store = m_session.engine().gallery();
    GalleryStore::ChangeScope change(store);  // all of the visitor's shots, or none
    const std::int64_t id = store.findOrAddPerson(name);
    for (const VisitorShot& shot : c.shots) {
      const std::string source = "unknown visitor, frame " + std::to_string(shot.frameIndex) + ", track " +
                                 std::to_string(shot.trackId);
      enrolEncodedFace(store, id, encodeImage(shot.photo, ".png", source), source, shot.crop, shot.cropAligned, modelId,
                       shot.embedding);
    }
    change.commit();
  });
  if (!started) return false;
  m_runner->forgetVisitor(*cluster);
  refreshVisitors();
  return true;
}

void LiveTab::discardVisitor(int trackId) {
  if (const auto cluster = visitorWithTrack(trackId)) m_runner->forgetVisitor(*cluster);
  refreshVisitors();
}

bool LiveTab::explainFaceFrom(const LiveFrame& frame, int trackId) {
  const LiveFace* face = nullptr;
  for (const LiveFace& f : frame.result.faces) {
    if (f.trackId == trackId) face = &f;
  }
  if (!face || face->embedding.empty()) return false;
  auto sheet = std::make_shared<QImage>();
  m_explaining = true;
  // On a worker: the gallery's photos are read and their crops drawn.
  m_session.inBackground(this, [engine = &m_session.engine(), f = *face, sheet] {
    GalleryStore& store = engine->gallery();
    const auto model = engine->model();
    const GalleryIndex index = loadGalleryIndex(store, *model);
    const MatchExplanation explanation =
        explainMatch(store, index, distanceOf(*model), f.embedding, engine->threshold().value);
    std::string votes;
    int cast = 0;
    for (const auto& [label, count] : f.votes) {
      const auto known = index.names.find(label);
      const std::string name = label == kUnknownPerson ? "unknown" : known != index.names.end() ? known->second : "?";
      votes += (votes.empty() ? "" : ", ") + name + " " + std::to_string(count);
      cast += count;
    }
    const std::vector<std::string> extra{
        "shown: " + f.shownName + " (the track's vote, so that names do not flicker)",
        "its last " + std::to_string(cast) + " looks (of up to " + std::to_string(f.voteWindow) + "): " +
            (votes.empty() ? "none yet" : votes)};
    *sheet = toQImage(renderSheet({explanationSection(f.crop, explanation, extra)})).copy();
  }, [this, sheet](const QString& error) {
    m_explaining = false;
    if (!error.isEmpty()) {
      QMessageBox::warning(this, tr("Why this name?"), error);
      return;
    }
    m_explanation = *sheet;
    showExplanation();
  });
  return true;
}

void LiveTab::showExplanation() {
  if (!m_explanationDialog) {
    m_explanationDialog = new QDialog(this);
    m_explanationDialog->setWindowTitle(tr("Why this name?"));
    auto* label = new QLabel;
    label->setObjectName("explanation");
    auto* scroll = new QScrollArea;
    scroll->setWidget(label);
    scroll->setWidgetResizable(true);
    auto* layout = new QVBoxLayout(m_explanationDialog);
    layout->addWidget(scroll);
    m_explanationDialog->resize(800, 600);
  }
  auto* label = m_explanationDialog->findChild<QLabel*>("explanation");
  label->setPixmap(QPixmap::fromImage(m_explanation));
  m_explanationDialog->show();
  m_explanationDialog->raise();
}

namespace {

/// What the live view knows of one face, to store in the gallery.
struct FaceSnapshot {
  std::vector<std::uint8_t> photo;  ///< the face with room around it, PNG
  std::string source;
  Image crop;
  bool aligned = false;
  Embedding embedding;
  std::string modelId;
};

std::optional<FaceSnapshot> snapshotOf(const LiveFrame& frame, int trackId) {
  const LiveFace* face = nullptr;
  for (const LiveFace& f : frame.result.faces) {
    if (f.trackId == trackId) face = &f;
  }
  if (!face || frame.raw.isNull()) return std::nullopt;
  // The face with room around it, so the detector and the landmarks see it
  // as they would in a photo (and other models can embed it again).
  const QRectF box(face->box.x, face->box.y, face->box.width, face->box.height);
  const QRect region = box.adjusted(-box.width() * 0.6, -box.height() * 0.6, box.width() * 0.6, box.height() * 0.6)
                           .toAlignedRect()
                           .intersected(frame.raw.rect());
  QByteArray png;
  QBuffer buffer(&png);
  buffer.open(QIODevice::WriteOnly);
  frame.raw.copy(region).save(&buffer, "PNG");
  FaceSnapshot snapshot;
  snapshot.photo.assign(png.begin(), png.end());
  snapshot.source = "live frame " + std::to_string(frame.result.frameIndex) + ", track " + std::to_string(trackId);
  snapshot.crop = face->crop;
  snapshot.aligned = face->cropAligned;
  snapshot.embedding = face->embedding;
  snapshot.modelId = frame.result.modelId;
  return snapshot;
}

}  // namespace

void LiveTab::enrolFaceFrom(const LiveFrame& frame, int trackId, const QString& personName) {
  const auto snapshot = snapshotOf(frame, trackId);
  if (!snapshot) return;
  const std::string name = personName.toStdString();
  // The pipeline already cut this face out and embedded it: store that.
  // Only a face not yet embedded is detected again.
  const bool started = m_jobs->start(tr("Enrolling %1").arg(personName), [this, name, s = *snapshot](const ProgressFn&, const StopToken&) {
    GalleryStore& store = m_session.engine().gallery();  // this worker's connection
    const std::int64_t id = store.findOrAddPerson(name);
    EnrolOutcome outcome;
    if (!s.embedding.empty() && !s.modelId.empty()) {
      outcome = enrolEncodedFace(store, id, s.photo, s.source, s.crop, s.aligned, s.modelId, s.embedding);
    } else {
      outcome = Enroller(store, *m_session.engine().model()).enrolPhoto(id, s.photo, s.source);
    }
    if (!outcome.added()) throw Error(outcome.message);
  });
  if (!started) QMessageBox::information(this, tr("Enrol"), tr("The previous change to the gallery is still running."));
}

bool LiveTab::rejectFaceFrom(const LiveFrame& frame, int trackId) {
  const auto snapshot = snapshotOf(frame, trackId);
  std::int64_t personId = kUnknownPerson;
  for (const LiveFace& f : frame.result.faces) {
    if (f.trackId == trackId) personId = f.shownPersonId;
  }
  if (!snapshot || personId < 0 || snapshot->embedding.empty()) return false;
  // Kept as a correction: from the next frame on, this face (and faces
  // nearer to it than to the person's photos) is never given that name.
  return m_jobs->start(tr("Recording a correction"), [this, personId, s = *snapshot](const ProgressFn&, const StopToken&) {
    GalleryStore& store = m_session.engine().gallery();
    rejectEncodedFace(store, personId, s.photo, s.source, s.crop, s.aligned, s.modelId, s.embedding);
  });
}

}  // namespace siamese::ui
