#include "AdaptDialog.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "JobRunner.h"
#include "common/DefaultPaths.h"
#include "session/GalleryAdaptation.h"

namespace siamese::ui {
namespace {

QString describe(const AdaptationCheck& c) {
  return QObject::tr("rank-1 %1%, named %2% of %3 held-out photos; %4% of %5 impostor photos accepted (threshold %6)")
      .arg(100 * c.rank1, 0, 'f', 1)
      .arg(100 * c.identified, 0, 'f', 1)
      .arg(c.probes)
      .arg(100 * c.falseAcceptRate, 0, 'f', 2)
      .arg(c.impostorProbes)
      .arg(c.threshold, 0, 'f', 4);
}

}  // namespace

AdaptDialog::AdaptDialog(StudioSession& session, QWidget* parent)
    : QDialog(parent), m_session(session), m_job(new JobRunner(this, false)) {
  setWindowTitle(tr("Adapt the model to my people"));
  auto* intro = new QLabel(tr(
      "Fine-tunes the active model on your gallery's people, with people who are not in it as impostors. One photo "
      "of each person with three or more is held out; the adapted model is kept only when it names those photos "
      "better, or accepts fewer impostors, without being worse at either. The current model is not changed."));
  intro->setWordWrap(true);
  m_impostors = new QLineEdit;
  m_impostors->setPlaceholderText(tr("face cache of other people, prepared for this model (e.g. LFW)"));
  auto* browse = new QPushButton(tr("Choose…"));
  m_trainable = new QComboBox;
  m_trainable->addItem(tr("a head on top (fast)"), "head");
  m_trainable->addItem(tr("the tower's last two blocks and a head"), "last-blocks");
  m_trainable->addItem(tr("everything (slow)"), "all");
  m_epochs = new QSpinBox;
  m_epochs->setRange(1, 200);
  m_epochs->setValue(10);
  m_start = new QPushButton(tr("Adapt"));
  m_useIt = new QPushButton(tr("Make it active"));
  m_useIt->setEnabled(false);
  m_progress = new QProgressBar;
  m_result = new QLabel;
  m_result->setWordWrap(true);
  m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* impostorRow = new QHBoxLayout;
  impostorRow->addWidget(m_impostors, 1);
  impostorRow->addWidget(browse);
  auto* form = new QFormLayout;
  form->addRow(tr("Impostors:"), impostorRow);
  form->addRow(tr("What trains:"), m_trainable);
  form->addRow(tr("Epochs:"), m_epochs);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_start);
  buttons->addWidget(m_progress, 1);
  buttons->addWidget(m_useIt);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addWidget(m_result, 1);
  resize(720, 360);

  connect(browse, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Impostor faces"), QString(), tr("Face caches (*.cache)"));
    if (!path.isEmpty()) m_impostors->setText(path);
  });
  connect(m_start, &QPushButton::clicked, this, &AdaptDialog::start);
  connect(m_useIt, &QPushButton::clicked, this, [this] {
    emit adapted(m_adaptedPath);
    m_useIt->setEnabled(false);
  });
  connect(m_job, &JobRunner::progressed, this, [this](const Progress& p) {
    m_progress->setRange(0, int(p.total));
    m_progress->setValue(int(p.done));
    if (!p.message.empty()) m_result->setText(QString::fromStdString(p.message));
  });
}

AdaptDialog::~AdaptDialog() { delete m_job; }  // stop and join before the widgets go

bool AdaptDialog::busy() const { return m_job->busy(); }

QString AdaptDialog::resultText() const { return m_result->text(); }

bool AdaptDialog::start() {
  if (m_job->busy() || m_impostors->text().isEmpty()) {
    if (m_impostors->text().isEmpty()) m_result->setText(tr("Choose the impostor faces first."));
    return false;
  }
  GalleryAdaptationOptions options;
  options.impostorCache = m_impostors->text().toStdString();
  options.adaptation.trainable = m_trainable->currentData().toString().toStdString();
  options.adaptation.epochs = m_epochs->value();
  const std::string modelPath = m_session.engine().modelPath();
  const QString folder = QString::fromStdString(userDataDir()) + "/models";
  QDir().mkpath(folder);
  options.outPath = (folder + "/" + QFileInfo(QString::fromStdString(modelPath)).completeBaseName() + "-adapted-" +
                     QDateTime::currentDateTimeUtc().toString("yyyyMMdd-HHmmss") + ".siamese")
                        .toStdString();
  m_start->setEnabled(false);
  m_useIt->setEnabled(false);
  m_adaptedPath.clear();
  auto result = std::make_shared<GalleryAdaptationResult>();
  Session& engine = m_session.engine();
  connect(m_job, &JobRunner::finished, this, [this, result, options](bool ok, bool, const QString& error) {
    m_start->setEnabled(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(ok ? 1 : 0);
    if (!ok) {
      m_result->setText(error);
      return;
    }
    const AdaptationResult& a = result->adaptation;
    QString text = tr("<b>Before:</b> %1<br><b>After:</b> %2<br>").arg(describe(a.before), describe(a.after));
    if (result->deployed) {
      m_adaptedPath = QString::fromStdString(options.outPath);
      text += tr("The adapted model is better: written to %1, and the gallery was embedded for it (%2 photos).")
                  .arg(m_adaptedPath)
                  .arg(result->reembedded.embedded);
      m_useIt->setEnabled(true);
    } else {
      text += tr("The adapted model is not better on the held-out photos, so nothing was changed.");
    }
    m_result->setText(text);
  }, Qt::SingleShotConnection);
  return m_job->start(tr("Adapting"), [&engine, modelPath, options, result](const ProgressFn& progress, const StopToken& stop) {
    const double threshold = engine.threshold().value;
    *result = adaptGalleryModel(engine.gallery(), modelPath, threshold, options, progress, &stop);
  });
}

}  // namespace siamese::ui
