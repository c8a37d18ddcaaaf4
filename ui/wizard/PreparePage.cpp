#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ImageConversion.h"
#include "JobRunner.h"
#include "PreparePage.h"
#include "common/DefaultPaths.h"
#include "common/Error.h"
#include "gallery/FaceEncoder.h"
#include "nn/ModelBundle.h"
#include "prep/FacePreparer.h"

namespace siamese::ui {

PreparePage::PreparePage(SharedState state) : m_state(std::move(state)), m_job(new JobRunner(this, false)) {
  setTitle(tr("2. Preparation"));
  setSubTitle(tr("Every photo is searched for a face, aligned by its landmarks and cropped, once, into a face "
                 "cache. A stopped run continues where it ended."));
  m_cropsFor = new QComboBox;
  m_cropsFor->addItem(tr("our own networks (faces aligned on a template)"), "own");
  m_cropsFor->addItem(tr("training on the face tower (dlib's chips, 150 px colour)"), "tower");
  if (!QFile::exists(QString::fromStdString(faceTowerPath()))) {
    m_cropsFor->setItemData(1, false, Qt::UserRole - 1);  // disabled: no tower imported
    m_cropsFor->setItemData(1, tr("No face tower: scripts/setup.sh imports it"), Qt::ToolTipRole);
  }
  m_detector = new QComboBox;
  m_detector->addItems({"hog", "haar", "mmod", "none"});
  m_detector->setToolTip(tr("hog: dlib's HOG detector; none: the photos are already face crops"));
  m_cropSize = new QSpinBox;
  m_cropSize->setRange(32, 512);
  m_cropSize->setValue(112);
  m_colour = new QCheckBox(tr("colour crops (grey otherwise)"));
  m_start = new QPushButton(tr("Prepare"));
  m_cancel = new QPushButton(tr("Cancel"));
  m_cancel->setEnabled(false);
  m_progress = new QProgressBar;
  m_summary = new QLabel;
  m_summary->setWordWrap(true);
  m_samples = new QListWidget;
  m_samples->setViewMode(QListView::IconMode);
  m_samples->setIconSize(QSize(64, 64));
  m_samples->setMovement(QListView::Static);
  m_failures = new QListWidget;
  m_failures->setMaximumHeight(110);

  auto* form = new QFormLayout;
  form->addRow(tr("Crops for:"), m_cropsFor);
  form->addRow(tr("Detector:"), m_detector);
  form->addRow(tr("Crop size (px):"), m_cropSize);
  form->addRow(QString(), m_colour);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_start);
  buttons->addWidget(m_cancel);
  buttons->addWidget(m_progress, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addWidget(m_summary);
  layout->addWidget(new QLabel(tr("Aligned crops (a sample)")));
  layout->addWidget(m_samples, 1);
  layout->addWidget(new QLabel(tr("Photos without a usable face")));
  layout->addWidget(m_failures);

  connect(m_start, &QPushButton::clicked, this, &PreparePage::startPreparing);
  // The tower's chips have a fixed size and colour.
  connect(m_cropsFor, &QComboBox::currentIndexChanged, this, [this] {
    const bool own = m_cropsFor->currentData().toString() == "own";
    m_cropSize->setEnabled(own);
    m_colour->setEnabled(own);
  });
  connect(m_cancel, &QPushButton::clicked, m_job, &JobRunner::cancel);
  connect(m_job, &JobRunner::progressed, this, [this](const Progress& p) {
    m_progress->setRange(0, int(p.total));
    m_progress->setValue(int(p.done));
    m_summary->setText(tr("%1 of %2 photos, %3 photos/s").arg(p.done).arg(p.total).arg(p.unitsPerSecond, 0, 'f', 1));
  });
  connect(m_job, &JobRunner::finished, this, [this](bool ok, bool cancelled, const QString& error) {
    holdBackButton(this, false);
    m_start->setEnabled(true);
    m_cancel->setEnabled(false);
    if (!ok) m_summary->setText(error);
    else showCache();
    if (cancelled) m_summary->setText(m_summary->text() + tr(" (stopped: Prepare continues)"));
    emit completeChanged();
  });
}

PreparePage::~PreparePage() { delete m_job; }  // stop and join before the page goes

void PreparePage::initializePage() {
  const bool prepared = m_state->sourceIsCache;
  for (QWidget* w : std::initializer_list<QWidget*>{m_cropsFor, m_detector, m_cropSize, m_colour, m_start}) {
    w->setEnabled(!prepared);
  }
  if (!prepared && QFile::exists(QString::fromStdString(m_state->cachePath))) {
    try {
      m_state->cache = std::make_shared<FaceCache>(FaceCache::load(m_state->cachePath));
    } catch (const Error& e) {
      m_summary->setText(QString::fromUtf8(e.what()));
    }
  }
  showCache();
}

void PreparePage::startPreparing() {
  if (!m_state->dataset || m_job->busy()) return;
  PrepareOptions options;
  if (m_cropsFor->currentData().toString() == "tower") {
    try {
      options = prepareOptionsForModel(readBundle(faceTowerPath()).metadata);
    } catch (const Error& e) {
      m_summary->setText(QString::fromUtf8(e.what()));
      return;
    }
  } else {
    options.align.cropSize = m_cropSize->value();
    options.align.colour = m_colour->isChecked();
  }
  options.detector.kind = parseDetectorKind(m_detector->currentText().toStdString());
  // Each kind of crop has its cache, so switching back and forth reuses both.
  const bool tower = m_cropsFor->currentData().toString() == "tower";
  m_state->cachePath = (m_state->workFolder + (tower ? "/faces-tower-chips.cache" : "/faces.cache")).toStdString();
  const Dataset dataset = *m_state->dataset;
  const std::string cachePath = m_state->cachePath;
  m_start->setEnabled(false);
  m_cancel->setEnabled(true);
  holdBackButton(this, true);
  m_job->start(tr("Preparing"), [this, dataset, cachePath, options](const ProgressFn& progress, const StopToken& stop) {
    prepareDataset(dataset, cachePath, options, false, progress, &stop);
    auto cache = std::make_shared<const FaceCache>(FaceCache::load(cachePath));
    QMetaObject::invokeMethod(this, [this, cache] {
      m_state->cache = cache;
      m_state->pairs.reset();  // pairs and models of an older cache no longer apply
      m_state->result.reset();
    }, Qt::QueuedConnection);
  });
}

bool PreparePage::busy() const { return m_job->busy(); }

void PreparePage::showCache() {
  m_samples->clear();
  m_failures->clear();
  const auto& cache = m_state->cache;
  if (!cache) return;
  m_summary->setText(tr("%1 faces of %2 people in %3; %4 photos without a usable face")
                         .arg(cache->size())
                         .arg(cache->people().size())
                         .arg(QString::fromStdString(m_state->cachePath))
                         .arg(cache->failures().size()));
  const std::size_t step = std::max<std::size_t>(1, cache->size() / 40);
  for (std::size_t i = 0; i < cache->size(); i += step) {
    m_samples->addItem(new QListWidgetItem(QIcon(QPixmap::fromImage(toQImage(cache->crop(i)))), QString()));
  }
  for (const CachedFailure& f : cache->failures()) {
    m_failures->addItem(QString::fromStdString(f.source + ": " + f.reason));
  }
  emit completeChanged();
}

bool PreparePage::isComplete() const { return m_state->cache && m_state->cache->size() > 0 && !m_job->busy(); }

}  // namespace siamese::ui
