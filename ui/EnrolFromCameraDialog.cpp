#include "EnrolFromCameraDialog.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "ImageConversion.h"
#include "live/EnrolmentGuide.h"
#include "live/FrameSource.h"
#include "session/Session.h"

namespace siamese::ui {

/// What the worker tells the dialog about one frame.
struct EnrolFromCameraDialog::FrameReport {
  QImage frame;
  QString verdict;          ///< the problem, or the pose taken
  bool usable = false;
  QString instruction;
  QImage poses[3];          ///< the kept crop of each pose (null when missing)
  QString error;            ///< the source failed
  bool finished = false;
};

namespace {
constexpr HeadPose kPoses[3] = {HeadPose::Frontal, HeadPose::TurnedLeft, HeadPose::TurnedRight};
}

EnrolFromCameraDialog::EnrolFromCameraDialog(StudioSession& session, QWidget* parent)
    : QDialog(parent), m_session(session) {
  setWindowTitle(tr("Enrol from camera"));
  m_source = new QComboBox;
  m_source->setEditable(true);
  for (const std::string& device : listCameraDevices()) m_source->addItem(QString::fromStdString(device));
  m_source->setToolTip(tr("A camera, a video file or a folder of images"));
  auto* browseFile = new QPushButton(tr("Video…"));
  auto* browseFolder = new QPushButton(tr("Folder…"));
  m_name = new QLineEdit;
  m_name->setPlaceholderText(tr("Name of the person"));
  m_start = new QPushButton(tr("Start"));
  m_stop = new QPushButton(tr("Stop"));
  m_enrol = new QPushButton(tr("Enrol"));
  m_preview = new QLabel(tr("Choose a source and press Start; then look at the camera and turn your head slowly "
                            "to each side."));
  m_preview->setMinimumSize(480, 360);
  m_preview->setAlignment(Qt::AlignCenter);
  m_preview->setWordWrap(true);
  m_advice = new QLabel;
  m_advice->setWordWrap(true);
  m_result = new QLabel;
  m_result->setWordWrap(true);

  auto* sourceRow = new QHBoxLayout;
  sourceRow->addWidget(new QLabel(tr("Source:")));
  sourceRow->addWidget(m_source, 1);
  sourceRow->addWidget(browseFile);
  sourceRow->addWidget(browseFolder);
  sourceRow->addWidget(m_start);
  sourceRow->addWidget(m_stop);
  auto* poses = new QGridLayout;
  for (int i = 0; i < 3; ++i) {
    m_poseSlots[i] = new QLabel;
    m_poseSlots[i]->setFixedSize(120, 120);
    m_poseSlots[i]->setAlignment(Qt::AlignCenter);
    m_poseSlots[i]->setFrameShape(QFrame::Box);
    m_poseSlots[i]->setText(tr("missing"));
    poses->addWidget(m_poseSlots[i], 0, i);
    poses->addWidget(new QLabel(QString::fromUtf8(headPoseName(kPoses[i]))), 1, i, Qt::AlignCenter);
  }
  auto* side = new QVBoxLayout;
  side->addLayout(poses);
  side->addWidget(m_advice);
  side->addStretch(1);
  side->addWidget(m_name);
  side->addWidget(m_enrol);
  side->addWidget(m_result);
  auto* body = new QHBoxLayout;
  body->addWidget(m_preview, 1);
  body->addLayout(side);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(sourceRow);
  layout->addLayout(body, 1);

  connect(browseFile, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Video file"), {}, tr("Videos (*.mp4 *.avi *.mkv *.mov);;All files (*)"));
    if (!path.isEmpty()) m_source->setEditText(path);
  });
  connect(browseFolder, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Folder of images"));
    if (!path.isEmpty()) m_source->setEditText(path);
  });
  connect(m_start, &QPushButton::clicked, this, [this] { start(m_source->currentText()); });
  connect(m_stop, &QPushButton::clicked, this, &EnrolFromCameraDialog::stop);
  connect(m_enrol, &QPushButton::clicked, this, &EnrolFromCameraDialog::enrol);
  connect(m_name, &QLineEdit::textChanged, this, &EnrolFromCameraDialog::updateButtons);
  updateButtons();
}

EnrolFromCameraDialog::~EnrolFromCameraDialog() {
  m_stopRequested = true;
  if (m_thread.joinable()) m_thread.join();
}

bool EnrolFromCameraDialog::start(const QString& source) {
  if (m_running || m_enrolling || source.trimmed().isEmpty()) return false;
  if (m_thread.joinable()) m_thread.join();
  m_running = true;
  m_stopRequested = false;
  m_poses.clear();
  m_problems.clear();
  m_result->clear();
  updateButtons();
  m_thread = std::thread([this, s = source.trimmed().toStdString()] { run(s); });
  return true;
}

void EnrolFromCameraDialog::stop() { m_stopRequested = true; }

void EnrolFromCameraDialog::run(std::string sourceText) {
  const auto post = [this](FrameReport report) {
    QMetaObject::invokeMethod(this, [this, report] { showReport(report); }, Qt::QueuedConnection);
  };
  try {
    auto model = m_session.engine().model();
    auto guide = std::make_shared<EnrolmentGuide>(*model);
    m_guide = guide;  // read by the GUI thread only once the worker has ended (enrol joins it first)
    auto source = openFrameSource(sourceText);
    CapturedFrame frame;
    while (!m_stopRequested && source->read(frame) == ReadStatus::Frame) {
      const GuideVerdict verdict = guide->check(frame.image, frame.index);
      FrameReport report;
      report.frame = toQImage(frame.image);
      report.usable = verdict.usable;
      report.verdict = verdict.usable ? QString::fromUtf8(headPoseName(*verdict.pose)) + (verdict.accepted ? " ✓" : "")
                                      : QString::fromStdString(verdict.problem);
      report.instruction = QString::fromStdString(guide->instruction());
      for (int i = 0; i < 3; ++i) {
        const auto it = guide->captures().find(kPoses[i]);
        if (it != guide->captures().end()) report.poses[i] = toQImage(it->second.crop);
      }
      post(report);
    }
  } catch (const std::exception& e) {
    FrameReport failed;
    failed.error = QString::fromUtf8(e.what());
    post(failed);
  }
  FrameReport end;
  end.finished = true;
  post(end);
}

void EnrolFromCameraDialog::showReport(const FrameReport& report) {
  if (!report.error.isEmpty()) m_advice->setText(report.error);
  if (report.finished) {
    m_running = false;
    updateButtons();
    return;
  }
  m_preview->setPixmap(QPixmap::fromImage(report.frame).scaled(m_preview->size(), Qt::KeepAspectRatio,
                                                                Qt::SmoothTransformation));
  if (!report.usable && !m_problems.contains(report.verdict)) m_problems << report.verdict;
  m_advice->setText((report.usable ? tr("This frame: %1") : tr("This frame: %1")).arg(report.verdict) + "\n" +
                    tr("Next: %1").arg(report.instruction));
  m_poses.clear();
  for (int i = 0; i < 3; ++i) {
    if (report.poses[i].isNull()) continue;
    m_poses << QString::fromUtf8(headPoseName(kPoses[i]));
    m_poseSlots[i]->setPixmap(QPixmap::fromImage(report.poses[i]).scaled(116, 116, Qt::KeepAspectRatio));
  }
  updateButtons();
}

bool EnrolFromCameraDialog::enrol() {
  const std::string name = m_name->text().trimmed().toStdString();
  if (name.empty() || m_poses.isEmpty() || m_enrolling) return false;
  m_stopRequested = true;
  if (m_thread.joinable()) m_thread.join();
  m_running = false;
  m_enrolling = true;
  updateButtons();
  auto added = std::make_shared<int>(0);
  m_session.inBackground(this, [engine = &m_session.engine(), guide = m_guide, name, added] {
    *added = guide->enrol(engine->gallery(), name);
  }, [this, added, name](const QString& error) {
    m_enrolling = false;
    m_result->setText(error.isEmpty() ? tr("%1 photo(s) of %2 enrolled").arg(*added).arg(QString::fromStdString(name))
                                      : error);
    if (error.isEmpty()) m_session.galleryEdited();
    updateButtons();
  });
  return true;
}

QString EnrolFromCameraDialog::result() const { return m_result->text(); }

void EnrolFromCameraDialog::updateButtons() {
  m_start->setEnabled(!m_running && !m_enrolling);
  m_stop->setEnabled(m_running);
  m_enrol->setEnabled(!m_enrolling && !m_poses.isEmpty() && !m_name->text().trimmed().isEmpty());
  m_enrol->setText(m_poses.size() == 3 || m_poses.isEmpty() ? tr("Enrol")
                                                            : tr("Enrol (%1 of 3 poses)").arg(m_poses.size()));
}

}  // namespace siamese::ui
