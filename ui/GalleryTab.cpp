#include "GalleryTab.h"

#include <QDragEnterEvent>
#include <algorithm>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QDialog>
#include <QListWidget>
#include <QScrollArea>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "EnrolFromCameraDialog.h"
#include "ImageConversion.h"
#include "JobRunner.h"
#include "common/Error.h"
#include "gallery/GalleryArchive.h"
#include "gallery/GalleryHealth.h"
#include "gallery/MatchThreshold.h"
#include "session/HealthMontage.h"

namespace siamese::ui {
namespace {

QPushButton* button(const QString& text, QWidget* parent) { return new QPushButton(text, parent); }

QList<qint64> idsIn(const QListWidget* list) {
  QList<qint64> ids;
  for (int i = 0; i < list->count(); ++i) ids << list->item(i)->data(Qt::UserRole).toLongLong();
  return ids;
}

}  // namespace

GalleryTab::GalleryTab(StudioSession& session, QWidget* parent)
    : QWidget(parent), m_session(session), m_jobs(new JobRunner(this)) {
  setAcceptDrops(true);
  m_search = new QLineEdit;
  m_search->setPlaceholderText(tr("Search people"));
  m_search->setClearButtonEnabled(true);
  m_people = new QListWidget;
  m_people->setIconSize(QSize(48, 48));
  auto* add = button(tr("Add person…"), this);
  auto* rename = button(tr("Rename…"), this);
  auto* remove = button(tr("Delete…"), this);
  auto* addPhotos = button(tr("Add photos…"), this);
  auto* fromCamera = button(tr("Enrol from camera…"), this);
  fromCamera->setToolTip(tr("Guided: checks each frame (one face, large, sharp, well lit) and keeps the best "
                            "frontal, turned-left and turned-right frames"));
  auto* reembedButton = button(tr("Re-embed for the model"), this);
  auto* healthButton = button(tr("Check health"), this);
  healthButton->setToolTip(tr("Likely mislabelled photos, duplicates, people with too few photos, missing embeddings, "
                              "the most confusable pairs of people"));
  m_pairsButton = button(tr("Pairs…"), this);
  m_pairsButton->setToolTip(tr("The health check's pairs side by side: likely mislabelled photos, near-duplicates, "
                               "the most confusable people"));
  m_pairsButton->setEnabled(false);
  auto* exportButton = button(tr("Export…"), this);
  auto* importButton = button(tr("Import…"), this);
  m_personButtons = {rename, remove, addPhotos};
  m_photosTitle = new QLabel(tr("Select a person to see their photos"));
  m_photos = new QListWidget;
  m_photos->setViewMode(QListView::IconMode);
  m_photos->setIconSize(QSize(112, 112));
  m_photos->setResizeMode(QListView::Adjust);
  m_photos->setMovement(QListView::Static);
  m_photos->setContextMenuPolicy(Qt::CustomContextMenu);
  m_photos->setToolTip(tr("Right-click a photo that is not this person to take it back"));
  m_correctionsTitle = new QLabel;
  m_corrections = new QListWidget;
  m_corrections->setViewMode(QListView::IconMode);
  m_corrections->setIconSize(QSize(56, 56));
  m_corrections->setResizeMode(QListView::Adjust);
  m_corrections->setMovement(QListView::Static);
  m_corrections->setMaximumHeight(96);
  m_corrections->setContextMenuPolicy(Qt::CustomContextMenu);
  m_corrections->setToolTip(tr("Faces you said are not this person: they are never named so. Right-click to undo."));
  m_report = new QListWidget;
  m_report->setMaximumHeight(150);
  m_summary = new QLabel(tr("Drop photo files here to add them to the selected person."));
  m_summary->setWordWrap(true);

  auto* peopleButtons = new QHBoxLayout;
  peopleButtons->addWidget(add);
  peopleButtons->addWidget(rename);
  peopleButtons->addWidget(remove);
  auto* left = new QVBoxLayout;
  left->addWidget(m_search);
  left->addWidget(m_people, 1);
  left->addLayout(peopleButtons);
  auto* photoButtons = new QHBoxLayout;
  photoButtons->addWidget(addPhotos);
  photoButtons->addWidget(fromCamera);
  photoButtons->addStretch(1);
  photoButtons->addWidget(reembedButton);
  photoButtons->addWidget(healthButton);
  photoButtons->addWidget(m_pairsButton);
  photoButtons->addWidget(exportButton);
  photoButtons->addWidget(importButton);
  auto* right = new QVBoxLayout;
  right->addWidget(m_photosTitle);
  right->addWidget(m_photos, 1);
  right->addWidget(m_correctionsTitle);
  right->addWidget(m_corrections);
  right->addLayout(photoButtons);
  right->addWidget(new QLabel(tr("Last enrolment")));
  right->addWidget(m_report);
  right->addWidget(m_summary);
  auto* layout = new QHBoxLayout(this);
  layout->addLayout(left, 1);
  layout->addLayout(right, 2);

  // The search filters the people already read: no database query per keystroke.
  connect(m_search, &QLineEdit::textChanged, this, &GalleryTab::showPeople);
  connect(&m_session, &StudioSession::peopleRead, this, &GalleryTab::showPeople);
  connect(&m_session, &StudioSession::peopleReadFailed, this, [this](const QString& error) { m_summary->setText(error); });
  connect(m_people, &QListWidget::currentRowChanged, this, [this] {
    showPhotosOf(selectedName());
    for (QPushButton* b : m_personButtons) b->setEnabled(!selectedName().isEmpty());
  });
  connect(m_photos, &QListWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    const QListWidgetItem* item = m_photos->itemAt(at);
    if (!item) return;
    QMenu menu(this);
    QAction* reject = menu.addAction(tr("Not %1 (take this photo back)").arg(selectedName()));
    if (menu.exec(m_photos->viewport()->mapToGlobal(at)) == reject) rejectPhoto(item->data(Qt::UserRole).toLongLong());
  });
  connect(m_corrections, &QListWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    const QListWidgetItem* item = m_corrections->itemAt(at);
    if (!item) return;
    QMenu menu(this);
    QAction* undo = menu.addAction(tr("Undo this correction"));
    if (menu.exec(m_corrections->viewport()->mapToGlobal(at)) == undo) {
      undoCorrection(item->data(Qt::UserRole).toLongLong());
    }
  });
  connect(add, &QPushButton::clicked, this, &GalleryTab::addPerson);
  connect(rename, &QPushButton::clicked, this, &GalleryTab::renamePerson);
  connect(remove, &QPushButton::clicked, this, &GalleryTab::deletePerson);
  connect(addPhotos, &QPushButton::clicked, this, &GalleryTab::addPhotosByDialog);
  connect(fromCamera, &QPushButton::clicked, this, &GalleryTab::openEnrolFromCamera);
  connect(reembedButton, &QPushButton::clicked, this, &GalleryTab::reembed);
  connect(healthButton, &QPushButton::clicked, this, &GalleryTab::checkHealth);
  connect(m_pairsButton, &QPushButton::clicked, this, [this] {
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Pairs to look at (green: the distance agrees with the gallery, red: it does not)"));
    auto* label = new QLabel;
    label->setPixmap(QPixmap::fromImage(m_healthMontage));
    auto* scroll = new QScrollArea;
    scroll->setWidget(label);
    auto* dialogLayout = new QVBoxLayout(dialog);
    dialogLayout->addWidget(scroll);
    dialog->resize(std::min(m_healthMontage.width() + 40, 1100), std::min(m_healthMontage.height() + 40, 800));
    dialog->show();
  });
  connect(exportButton, &QPushButton::clicked, this, &GalleryTab::exportArchive);
  connect(importButton, &QPushButton::clicked, this, &GalleryTab::importArchive);
  connect(m_jobs, &JobRunner::finished, this, [this](bool ok, bool cancelled, const QString& error) {
    showReport();
    m_session.galleryEdited();
    if (!ok) {
      m_summary->setText(error);
      QMessageBox::warning(this, tr("Gallery"), error);
    } else {
      m_summary->setText(m_jobMessage + (cancelled ? tr(" (stopped; what was done is kept)") : QString()));
    }
    emit status(m_summary->text());
  });
  for (QPushButton* b : m_personButtons) b->setEnabled(false);
  showPeople();
}

GalleryTab::~GalleryTab() {
  // Stop and join a running job before the members it writes to go away.
  delete m_jobs;
}

bool GalleryTab::startJob(const QString& title, const std::function<void(const ProgressFn&, const StopToken&)>& job) {
  if (m_jobs->start(title, job)) return true;
  QMessageBox::information(this, tr("Gallery"), tr("Another gallery job is still running; try again when it ends."));
  return false;
}

QString GalleryTab::selectedName() const {
  const QListWidgetItem* item = m_people->currentItem();
  return item ? item->data(Qt::UserRole).toString() : QString();
}

EnrolFromCameraDialog* GalleryTab::openEnrolFromCamera() {
  auto* dialog = new EnrolFromCameraDialog(m_session, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  if (!selectedName().isEmpty()) dialog->nameEdit()->setText(selectedName());
  dialog->show();
  return dialog;
}

bool GalleryTab::selectPerson(const QString& name) {
  for (int i = 0; i < m_people->count(); ++i) {
    if (m_people->item(i)->data(Qt::UserRole).toString() != name) continue;
    m_people->setCurrentRow(i);
    return true;
  }
  return false;
}

void GalleryTab::refresh() { m_session.readPeople(); }

bool GalleryTab::reading() const { return m_session.busy() || m_readingPhotos; }

void GalleryTab::showPeople() {
  const QString keep = selectedName();
  const QSignalBlocker quiet(m_people);  // the selection is restored below
  m_people->clear();
  for (const PersonSummary& person : m_session.people()) {
    if (!m_search->text().isEmpty() && !person.name.contains(m_search->text(), Qt::CaseInsensitive)) continue;
    const QString count = person.photoCount == 1 ? tr("1 photo") : tr("%1 photos").arg(person.photoCount);
    auto* item = new QListWidgetItem(tr("%1 (%2)").arg(person.name, count));
    item->setData(Qt::UserRole, person.name);
    if (!person.thumbnail.isNull()) item->setIcon(QIcon(QPixmap::fromImage(person.thumbnail)));
    m_people->addItem(item);
    if (person.name == keep) m_people->setCurrentItem(item);
  }
  for (QPushButton* b : m_personButtons) b->setEnabled(!selectedName().isEmpty());
  showPhotosOf(selectedName());
}

void GalleryTab::showPhotosOf(const QString& name) {
  const int request = ++m_photosRequest;
  m_photos->clear();
  m_corrections->clear();
  m_correctionsTitle->clear();
  if (name.isEmpty()) {
    m_photosTitle->setText(tr("Select a person to see their photos"));
    return;
  }
  struct Shown {
    QImage crop;
    QString file, tooltip;
    qint64 photoId = 0;
    bool rejected = false;
  };
  auto shown = std::make_shared<std::vector<Shown>>();
  m_readingPhotos = true;
  // The worker may outlive this tab: it holds the engine, never `this`.
  m_session.inBackground(this, [engine = &m_session.engine(), name, shown] {
    GalleryStore& store = engine->gallery();
    const auto person = store.findPerson(name.toStdString());
    if (!person) return;
    for (const GalleryPhoto& photo : store.photosOf(person->id)) {
      shown->push_back({toQImage(store.cropOf(photo.id)), QFileInfo(QString::fromStdString(photo.sourceName)).fileName(),
                        QString::fromStdString(photo.sourceName) +
                            (photo.aligned ? tr("\naligned by landmarks") : tr("\nbox crop (landmarks failed)")),
                        photo.id, false});
    }
    for (const GalleryCorrection& c : store.corrections()) {
      if (c.personId != person->id) continue;
      shown->push_back({toQImage(store.cropOf(c.photoId)), tr("#%1").arg(c.photoId),
                        tr("%1\nmarked as not %2 on %3%4")
                            .arg(QString::fromStdString(c.sourceName), name, QString::fromStdString(c.setAt),
                                 c.wasReference ? tr(" (was a reference photo)") : QString()),
                        c.photoId, true});
    }
  }, [this, request, name, shown](const QString& error) {
    if (request != m_photosRequest) return;  // another person was selected meanwhile
    m_readingPhotos = false;
    if (!error.isEmpty()) {
      m_summary->setText(error);
      return;
    }
    m_photosTitle->setText(tr("Photos of %1 (aligned crops)").arg(name));
    int corrections = 0;
    for (const Shown& photo : *shown) {
      auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(photo.crop)), photo.file);
      item->setToolTip(photo.tooltip);
      item->setData(Qt::UserRole, photo.photoId);
      (photo.rejected ? m_corrections : m_photos)->addItem(item);
      corrections += photo.rejected ? 1 : 0;
    }
    m_correctionsTitle->setText(corrections ? tr("Not %1 (%2 corrections)").arg(name).arg(corrections)
                                            : tr("No corrections for %1").arg(name));
  });
}

void GalleryTab::editInBackground(const QString& title, std::function<void(GalleryStore&)> edit) {
  m_session.inBackground(this, [engine = &m_session.engine(), edit] { edit(engine->gallery()); },
                         [this, title](const QString& error) {
                           if (!error.isEmpty()) QMessageBox::warning(this, title, error);
                           m_session.galleryEdited();
                         });
}

void GalleryTab::rejectPhoto(qint64 photoId) {
  editInBackground(tr("Not this person"), [photoId](GalleryStore& store) { store.rejectPhoto(photoId); });
}

void GalleryTab::undoCorrection(qint64 photoId) {
  editInBackground(tr("Undo the correction"), [photoId](GalleryStore& store) { store.undoCorrection(photoId); });
}

QList<qint64> GalleryTab::photoIdsShown() const { return idsIn(m_photos); }

QList<qint64> GalleryTab::correctionIdsShown() const { return idsIn(m_corrections); }

QStringList GalleryTab::peopleShown() const {
  QStringList lines;
  for (int i = 0; i < m_people->count(); ++i) lines << m_people->item(i)->text();
  return lines;
}

QStringList GalleryTab::reportLines() const {
  QStringList lines;
  for (int i = 0; i < m_report->count(); ++i) lines << m_report->item(i)->text();
  return lines;
}

void GalleryTab::enrolPhotos(const QString& name, const QStringList& files) {
  {
    std::lock_guard<std::mutex> lock(m_outcomesMutex);
    m_outcomes.clear();
  }
  std::vector<std::string> paths;
  for (const QString& f : files) paths.push_back(f.toStdString());
  const std::string person = name.toStdString();
  m_jobMessage.clear();
  startJob(tr("Enrolling photos of %1").arg(name), [=](const ProgressFn& progress, const StopToken& stop) {
    // This worker's connection; the model is the session's, loaded once per change.
    GalleryStore& store = m_session.engine().gallery();
    Enroller enroller(store, *m_session.engine().model());
    const std::int64_t id = store.findOrAddPerson(person);
    std::size_t added = 0;
    for (std::size_t i = 0; i < paths.size() && !stop.stopRequested(); ++i) {
      const EnrolOutcome outcome = enroller.enrolFile(id, paths[i]);
      added += outcome.added() ? 1 : 0;
      {
        std::lock_guard<std::mutex> lock(m_outcomesMutex);
        m_outcomes.push_back(outcome);
      }
      progress(Progress{i + 1, paths.size(), 0, outcome.message});
    }
    QMetaObject::invokeMethod(this, [this, added, n = paths.size(), name] {
      m_jobMessage = tr("%1 of %2 photos enrolled for %3").arg(added).arg(n).arg(name);
    }, Qt::QueuedConnection);
  });
}

void GalleryTab::showReport() {
  std::lock_guard<std::mutex> lock(m_outcomesMutex);
  if (m_outcomes.empty()) return;
  m_report->clear();
  for (const EnrolOutcome& o : m_outcomes) {
    auto* item = new QListWidgetItem(QString::fromUtf8(o.added() ? "✓ " : "✗ ") + QString::fromStdString(o.message));
    item->setForeground(o.added() ? QColor(30, 120, 30) : QColor(170, 30, 30));
    m_report->addItem(item);
  }
  m_outcomes.clear();
}

void GalleryTab::addPerson() {
  bool ok = false;
  const QString name = QInputDialog::getText(this, tr("Add person"), tr("Name:"), QLineEdit::Normal, {}, &ok).trimmed();
  if (!ok || name.isEmpty()) return;
  const QStringList files = QFileDialog::getOpenFileNames(this, tr("Photos of %1").arg(name), {},
                                                          tr("Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff)"));
  if (files.isEmpty()) {
    editInBackground(tr("Add person"), [person = name.toStdString()](GalleryStore& store) { store.addPerson(person); });
    return;
  }
  enrolPhotos(name, files);
}

void GalleryTab::renamePerson() {
  const QString name = selectedName();
  if (name.isEmpty()) return;
  bool ok = false;
  const QString newName = QInputDialog::getText(this, tr("Rename"), tr("New name:"), QLineEdit::Normal, name, &ok).trimmed();
  if (!ok || newName.isEmpty() || newName == name) return;
  editInBackground(tr("Rename"), [from = name.toStdString(), to = newName.toStdString()](GalleryStore& store) {
    store.renamePerson(store.personIdOf(from), to);
  });
}

void GalleryTab::deletePerson() {
  const QString name = selectedName();
  if (name.isEmpty()) return;
  if (QMessageBox::question(this, tr("Delete"), tr("Delete %1 with all their photos and embeddings?").arg(name)) !=
      QMessageBox::Yes) {
    return;
  }
  editInBackground(tr("Delete"), [person = name.toStdString()](GalleryStore& store) {
    store.removePerson(store.personIdOf(person));
  });
}

void GalleryTab::addPhotosByDialog() {
  const QString name = selectedName();
  if (name.isEmpty()) return;
  const QStringList files = QFileDialog::getOpenFileNames(this, tr("Photos of %1").arg(name), {},
                                                          tr("Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff)"));
  if (!files.isEmpty()) enrolPhotos(name, files);
}

void GalleryTab::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void GalleryTab::dropEvent(QDropEvent* event) {
  QStringList files;
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile()) files << url.toLocalFile();
  }
  if (files.isEmpty()) return;
  QString name = selectedName();
  if (name.isEmpty()) {
    bool ok = false;
    name = QInputDialog::getText(this, tr("Add photos"), tr("Whose photos are these?"), QLineEdit::Normal, {}, &ok).trimmed();
    if (!ok || name.isEmpty()) return;
  }
  enrolPhotos(name, files);
}

void GalleryTab::reembed() {
  startJob(tr("Re-embedding the gallery"), [this](const ProgressFn& progress, const StopToken& stop) {
    const ReembedSummary s =
        reembedGallery(m_session.engine().gallery(), *m_session.engine().model(), progress, &stop);
    QMetaObject::invokeMethod(this, [this, s] {
      m_jobMessage = tr("%1 photos embedded, %2 without a usable face").arg(s.embedded).arg(s.failed);
    }, Qt::QueuedConnection);
  });
}

void GalleryTab::checkHealth() {
  if (m_checkingHealth) return;
  m_checkingHealth = true;
  m_summary->setText(tr("Checking the gallery's health…"));
  auto lines = std::make_shared<QStringList>();
  auto montage = std::make_shared<QImage>();
  m_session.inBackground(this, [this, lines, montage] {
    Session& engine = m_session.engine();
    auto model = engine.model();
    const double threshold = engine.threshold().value;
    const GalleryHealthReport report =
        checkGalleryHealth(engine.gallery(), model->metadata().modelId, distanceOf(*model), threshold);
    for (const HealthFinding& f : report.findings) {
      *lines << tr("[%1] %2 → %3").arg(QString::fromStdString(f.kind), QString::fromStdString(f.message),
                                        QString::fromStdString(f.action));
    }
    for (const ConfusablePair& c : report.confusable) {
      *lines << tr("[confusable] %1 / %2: nearest photos %3 apart%4")
                    .arg(QString::fromStdString(c.nameA), QString::fromStdString(c.nameB))
                    .arg(c.distance, 0, 'f', 3)
                    .arg(c.withinThreshold ? tr(", within the threshold: add varied photos of both") : QString());
    }
    if (!report.confusable.empty() || std::any_of(report.findings.begin(), report.findings.end(),
                                                  [](const HealthFinding& f) { return f.otherPhotoId != 0; })) {
      *montage = toQImage(renderHealthMontage(engine.gallery(), report, threshold)).copy();
    }
  }, [this, lines, montage](const QString& error) {
    m_checkingHealth = false;
    if (!error.isEmpty()) {
      m_summary->setText(tr("The health check failed: %1").arg(error));
      return;
    }
    m_report->clear();
    m_report->addItems(*lines);
    m_healthMontage = *montage;
    m_pairsButton->setEnabled(!m_healthMontage.isNull());
    const auto findings = std::count_if(lines->begin(), lines->end(), [](const QString& l) { return !l.startsWith("[confusable]"); });
    m_summary->setText(findings ? tr("Health: %1 finding(s), each with what to do (below)").arg(findings)
                                : tr("Health: no findings"));
  });
}

void GalleryTab::exportArchive() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export gallery"), "gallery.archive", tr("Gallery archives (*.archive)"));
  if (path.isEmpty()) return;
  startJob(tr("Exporting the gallery"), [this, path](const ProgressFn&, const StopToken&) {
    const ArchiveInfo info = exportGallery(m_session.engine().gallery(), path.toStdString(),
                                           m_session.engine().model()->metadata().modelId);
    QMetaObject::invokeMethod(this, [this, info, path] {
      m_jobMessage = tr("%1 people, %2 photos exported to %3").arg(info.people).arg(info.photos).arg(path);
    }, Qt::QueuedConnection);
  });
}

void GalleryTab::importArchive() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Import gallery"), {}, tr("Gallery archives (*.archive);;All files (*)"));
  if (path.isEmpty()) return;
  startJob(tr("Importing %1").arg(path), [this, path](const ProgressFn& progress, const StopToken&) {
    const ImportSummary s = importGallery(m_session.engine().gallery(), path.toStdString(), progress);
    QMetaObject::invokeMethod(this, [this, s] {
      m_jobMessage = tr("%1 people added, %2 merged; %3 photos added, %4 already there; %5 corrections")
                         .arg(s.peopleAdded).arg(s.peopleMerged).arg(s.photosAdded).arg(s.photosSkipped)
                         .arg(s.correctionsImported);
    }, Qt::QueuedConnection);
  });
}

}  // namespace siamese::ui
