#include "ModelsHub.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <filesystem>
#include <set>
#include <utility>

#include "common/DefaultPaths.h"
#include "common/Error.h"
#include "data/FaceCache.h"
#include "eval/Int8CacheCalibration.h"
#include "eval/Protocols.h"
#include "nn/BFloat16Inference.h"
#include "nn/Embedder.h"

namespace siamese::ui {
namespace {

enum Column { Name, Kind, Id, Architecture, TrainedOn, StartedFrom, Figures, Path, Columns };

QString kindOf(const QString& path, const BundleMetadata& m, const QString& shipped) {
  if (path == QString::fromStdString(faceTowerPath()) || (m.training.initialisedFrom.empty() && !m.source.empty())) {
    return QObject::tr("pretrained");
  }
  if (QFileInfo(path).canonicalFilePath() == QFileInfo(shipped).canonicalFilePath()) return QObject::tr("shipped");
  if (m.training.initialisedFrom.empty()) return QObject::tr("trained");
  return m.name.find("adapted") != std::string::npos ? QObject::tr("adapted") : QObject::tr("trained on a pretrained model");
}

// Why a model gets no 8-bit copy ("" when it can): the hub checks a listed
// model before it asks for a cache, and the worker any other once read.
std::string whyNoInt8Copy(const BundleMetadata& m) {
  if (std::string why = int8Unsupported(m.network); !why.empty()) return why;
  if (m.bfloat16) return "this model embeds in bfloat16: copy the float32 model it was made from";
  return m.int8.empty() ? std::string() : "this model already embeds in 8-bit integers";
}

// Why a model gets no bfloat16 copy here ("" when it can).
std::string whyNoBFloat16Copy(const BundleMetadata& m) {
  if (std::string why = bfloat16Unsupported(); !why.empty()) return why;
  if (!m.int8.empty()) return "this model embeds in 8-bit integers: copy the float32 model it was made from";
  return m.bfloat16 ? "this model already embeds in bfloat16" : std::string();
}

QString architectureOf(const BundleMetadata& m) {
  const NetworkConfig& n = m.network;
  QString text = QString::fromStdString(n.architecture) + QObject::tr(", %1 px, %2 values").arg(n.inputSize).arg(n.embeddingSize);
  if (n.hasProjection()) text += QObject::tr(", %1 projection").arg(QString::fromStdString(n.projection));
  if (!m.int8.empty()) text += QObject::tr(", 8-bit integers");
  if (m.bfloat16) text += QObject::tr(", bfloat16");
  return text;
}

QString trainedOnOf(const BundleMetadata& m) {
  if (!m.source.empty() && m.training.initialisedFrom.empty()) return QString::fromStdString(m.source.trainingData);
  return QObject::tr("%1 people, %2 photos (%3), %4 loss")
      .arg(m.training.people)
      .arg(m.training.photos)
      .arg(QFileInfo(QString::fromStdString(m.training.dataset)).fileName())
      .arg(QString::fromStdString(m.training.loss));
}

QString figuresOf(const BundleMetadata& m) {
  QStringList parts;
  if (const auto it = m.metrics.find("validation_accuracy"); it != m.metrics.end()) {
    parts << QObject::tr("validation %1%").arg(100 * it->second, 0, 'f', 2);
  }
  if (const auto it = m.metrics.find("validation_auc"); it != m.metrics.end()) {
    parts << QObject::tr("AUC %1").arg(it->second, 0, 'f', 4);
  }
  if (parts.isEmpty() && !m.source.reference.empty()) parts << QString::fromStdString(m.source.reference);
  parts << QObject::tr("threshold %1").arg(m.threshold.value, 0, 'f', 4);
  return parts.join(", ");
}

}  // namespace

QVector<ModelEntry> ModelsHub::findModels(const QStringList& extraPaths) {
  QStringList candidates = extraPaths;
  QString shipped;
  try {
    shipped = QString::fromStdString(ownModelPath());
    candidates << shipped;
  } catch (const Error&) {
  }
  candidates << QString::fromStdString(faceTowerPath());
  const QDir userModels(QString::fromStdString(userDataDir()) + "/models");
  for (const QFileInfo& file : userModels.entryInfoList({"*.siamese"}, QDir::Files, QDir::Name)) {
    candidates << file.absoluteFilePath();
  }
  QVector<ModelEntry> models;
  std::set<QString> seen;
  for (const QString& path : candidates) {
    const QString canonical = QFileInfo(path).canonicalFilePath();
    if (path.isEmpty() || canonical.isEmpty() || !seen.insert(canonical).second) continue;
    try {
      ModelEntry entry;
      entry.path = path;
      entry.metadata = readBundle(path.toStdString()).metadata;
      entry.kind = kindOf(path, entry.metadata, shipped);
      models.push_back(std::move(entry));
    } catch (const Error&) {
      // Not a model bundle (or a damaged one): not listed.
    }
  }
  return models;
}

ModelsHub::ModelsHub(StudioSession& session, QWidget* parent) : QWidget(parent), m_session(session) {
  m_table = new QTableWidget(0, Columns);
  m_table->setHorizontalHeaderLabels(
      {tr("Model"), tr("Kind"), tr("Id"), tr("Architecture"), tr("Trained on"), tr("Started from"), tr("Figures (its card)"), tr("File")});
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->horizontalHeader()->setStretchLastSection(true);
  m_table->verticalHeader()->hide();
  m_activate = new QPushButton(tr("Make active"));
  m_activate->setToolTip(tr("Use this model from now on; the gallery is embedded for it"));
  m_inspect = new QPushButton(tr("Open in Inspect"));
  m_compare = new QPushButton(tr("Compare two on a data set…"));
  m_compare->setToolTip(tr("Select two models, then choose a face cache prepared for them"));
  m_int8 = new QPushButton(tr("8-bit copy…"));
  m_int8->setToolTip(tr("A copy of a residual net of ours (such as a distilled student) that embeds in 8-bit integers "
                        "on the CPU, about three times as fast; calibrated on a face cache holding photos of the people "
                        "it trained on"));
  m_bfloat16 = new QPushButton(tr("bfloat16 copy"));
  m_bfloat16->setToolTip(cpuComputesBFloat16()
                             ? tr("A copy of any model, the face tower too, that embeds in bfloat16 on this CPU: about "
                                  "twice as fast, its embeddings a hair from float32's (nothing to calibrate)")
                             : QString::fromStdString(bfloat16Unsupported()));
  m_bfloat16->setEnabled(cpuComputesBFloat16());
  m_adapt = new QPushButton(tr("Adapt the active model to my people…"));
  m_delete = new QPushButton(tr("Delete"));
  m_result = new QLabel;
  m_result->setWordWrap(true);
  m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* buttons = new QHBoxLayout;
  for (QPushButton* b : {m_activate, m_inspect, m_compare, m_int8, m_bfloat16, m_adapt, m_delete}) buttons->addWidget(b);
  buttons->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_table, 1);
  layout->addLayout(buttons);
  layout->addWidget(m_result);

  connect(m_activate, &QPushButton::clicked, this, [this] {
    if (!selectedPath().isEmpty()) emit makeActive(selectedPath());
  });
  connect(m_inspect, &QPushButton::clicked, this, [this] {
    if (!selectedPath().isEmpty()) emit openInInspect(selectedPath());
  });
  connect(m_adapt, &QPushButton::clicked, this, &ModelsHub::adaptRequested);
  connect(m_delete, &QPushButton::clicked, this, [this] { deleteModel(selectedPath()); });
  connect(m_compare, &QPushButton::clicked, this, [this] {
    const QStringList paths = selectedPaths();
    if (paths.size() != 2) {
      m_result->setText(tr("Select two models to compare (Ctrl+click)."));
      return;
    }
    const QString cache = QFileDialog::getOpenFileName(this, tr("Face cache to compare on"), QString(), tr("Face caches (*.cache)"));
    if (!cache.isEmpty()) compare(paths[0], paths[1], cache);
  });
  connect(m_int8, &QPushButton::clicked, this, [this] {
    const QString path = selectedPath();
    if (path.isEmpty()) {
      m_result->setText(tr("Select the model to copy in 8-bit integers."));
      return;
    }
    if (refusedCopy(path, whyNoInt8Copy)) return;  // before asking for a cache
    const QString cache = QFileDialog::getOpenFileName(this, tr("Face cache to calibrate on (photos of the people it trained on)"),
                                                       QString(), tr("Face caches (*.cache)"));
    if (!cache.isEmpty()) makeInt8Copy(path, cache);
  });
  connect(m_bfloat16, &QPushButton::clicked, this, [this] {
    const QString path = selectedPath();
    if (path.isEmpty()) {
      m_result->setText(tr("Select the model to copy in bfloat16."));
      return;
    }
    makeBFloat16Copy(path);
  });
  connect(&m_session, &StudioSession::modelReady, this, [this] { show(); });
  connect(&m_session, &StudioSession::modelChanged, this, &ModelsHub::refresh);  // the active one is always listed
  refresh();
}

void ModelsHub::refresh() {
  if (m_scanning) {
    m_rescan = true;  // once this scan ends
    return;
  }
  m_scanning = true;
  m_rescan = false;
  const QStringList extra = {m_session.settings().modelPath, activeModelPath()};
  auto found = std::make_shared<QVector<ModelEntry>>();
  m_session.inBackground(this, [found, extra] { *found = findModels(extra); },
                         [this, found](const QString& error) {
                           m_scanning = false;
                           if (m_rescan) {
                             refresh();
                             return;
                           }
                           if (!error.isEmpty()) {
                             m_result->setText(error);
                             return;
                           }
                           m_models = *found;
                           show();
                           if (!m_selectAfterScan.isEmpty()) select(std::exchange(m_selectAfterScan, QString()));
                         });
}

void ModelsHub::show() {
  const QString active = QFileInfo(activeModelPath()).canonicalFilePath();
  const QString selected = selectedPath();
  m_table->setRowCount(int(m_models.size()));
  for (int row = 0; row < m_models.size(); ++row) {
    const ModelEntry& e = m_models[row];
    const BundleMetadata& m = e.metadata;
    const bool isActive = QFileInfo(e.path).canonicalFilePath() == active;
    const QString name = (m.name.empty() ? QFileInfo(e.path).completeBaseName() : QString::fromStdString(m.name)) +
                         (isActive ? tr("  (active)") : QString());
    const QStringList cells = {name, e.kind, QString::fromStdString(m.modelId), architectureOf(m), trainedOnOf(m),
                               QString::fromStdString(m.training.initialisedFrom), figuresOf(m), e.path};
    for (int column = 0; column < Columns; ++column) {
      auto* item = new QTableWidgetItem(cells[column]);
      item->setToolTip(cells[column]);
      if (isActive) {
        QFont bold = item->font();
        bold.setBold(true);
        item->setFont(bold);
      }
      m_table->setItem(row, column, item);
    }
  }
  m_table->resizeColumnsToContents();
  for (int column : {TrainedOn, StartedFrom, Figures}) m_table->setColumnWidth(column, std::min(m_table->columnWidth(column), 260));
  if (!selected.isEmpty()) select(selected);
}

bool ModelsHub::select(const QString& path) {
  const QString canonical = QFileInfo(path).canonicalFilePath();
  for (int row = 0; row < m_models.size(); ++row) {
    if (m_models[row].path == path || (!canonical.isEmpty() && QFileInfo(m_models[row].path).canonicalFilePath() == canonical)) {
      m_table->selectRow(row);
      return true;
    }
  }
  return false;
}

QString ModelsHub::selectedPath() const {
  const QStringList paths = selectedPaths();
  return paths.isEmpty() ? QString() : paths.front();
}

QStringList ModelsHub::selectedPaths() const {
  QStringList paths;
  for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
    if (index.row() < m_models.size()) paths << m_models[index.row()].path;
  }
  return paths;
}

QVector<ModelEntry>::iterator ModelsHub::listed(const QString& path) {
  return std::find_if(m_models.begin(), m_models.end(), [&](const ModelEntry& e) { return e.path == path; });
}

bool ModelsHub::deleteModel(const QString& path, bool confirm) {
  const auto it = listed(path);
  if (it == m_models.end()) return false;
  const bool active = QFileInfo(path).canonicalFilePath() == QFileInfo(activeModelPath()).canonicalFilePath();
  if (active || it->kind == tr("shipped") || it->kind == tr("pretrained")) {
    m_result->setText(active ? tr("The active model cannot be deleted: make another one active first.")
                             : tr("The shipped model and the imported tower are not deleted from here."));
    return false;
  }
  if (confirm && QMessageBox::question(this, tr("Delete model"), tr("Delete %1 and its history?").arg(path)) != QMessageBox::Yes) {
    return false;
  }
  std::error_code ignored;
  std::filesystem::remove(path.toStdString() + ".history.csv", ignored);
  if (!std::filesystem::remove(path.toStdString(), ignored)) {
    m_result->setText(tr("Could not delete %1").arg(path));
    return false;
  }
  m_result->setText(tr("Deleted %1").arg(path));
  m_models.erase(it);
  show();
  return true;
}

void ModelsHub::compare(const QString& first, const QString& second, const QString& cachePath) {
  m_result->setText(tr("Comparing on %1…").arg(cachePath));
  auto text = std::make_shared<QString>();
  m_session.inBackground(
      this,
      [first, second, cachePath, text] {
        const FaceCache cache = FaceCache::load(cachePath.toStdString());
        std::set<std::string> people(cache.people().begin(), cache.people().end());
        QStringList lines;
        for (const QString& path : {first, second}) {
          auto embedder = Embedder::load(path.toStdString());
          const auto seen = peopleSeenInTraining(embedder->metadata(), people);
          if (!seen.empty()) {
            lines << QObject::tr("%1: not scored, it was trained on %2 of these people")
                         .arg(QFileInfo(path).fileName())
                         .arg(seen.size());
            continue;
          }
          const IdentificationReport r = identificationAccuracy(*embedder, cache, embedCache(*embedder, cache), 1, 1);
          lines << QObject::tr("%1: rank-1 %2% over %3 probes")
                       .arg(QFileInfo(path).fileName())
                       .arg(100 * r.rank1, 0, 'f', 2)
                       .arg(r.probes);
        }
        *text = QObject::tr("One reference photo per person (seed 1), the rest as probes, on %1 (%2 people): ")
                    .arg(QFileInfo(cachePath).fileName())
                    .arg(cache.people().size()) +
                lines.join("; ");
      },
      [this, text](const QString& error) { m_result->setText(error.isEmpty() ? *text : error); });
}

bool ModelsHub::refusedCopy(const QString& path, std::string (*why)(const BundleMetadata&)) {
  if (m_copying) {
    m_result->setText(tr("A copy is being made; wait for it to finish."));
    return true;
  }
  const auto it = listed(path);
  if (it == m_models.end()) return false;  // not read yet: the worker will say
  const std::string reason = why(it->metadata);
  if (!reason.empty()) m_result->setText(QString::fromStdString(reason));
  return !reason.empty();
}

QString ModelsHub::writeCopy(BundleFile& bundle, const QString& path, const QString& folder, const QString& suffix) {
  const QString base = QFileInfo(path).completeBaseName();
  bundle.metadata.name = (bundle.metadata.name.empty() ? base.toStdString() : bundle.metadata.name) + ", " + suffix.toStdString();
  // Never over another model: -int8, then -int8-2, -int8-3…
  QString target = folder + "/" + base + "-" + suffix + ".siamese";
  for (int n = 2; QFileInfo::exists(target); ++n) target = folder + "/" + base + QString("-%1-%2.siamese").arg(suffix).arg(n);
  writeBundle(target.toStdString(), bundle);
  return target;
}

QString ModelsHub::startCopy(const QString& message, const QString& intoFolder) {
  m_copying = true;  // one copy at a time: two could pick the same free name
  m_int8->setEnabled(false);
  m_bfloat16->setEnabled(false);
  m_result->setText(message);
  return intoFolder.isEmpty() ? QString::fromStdString(userDataDir()) + "/models" : intoFolder;
}

void ModelsHub::copyFinished(const QString& written, const QString& text, const QString& error) {
  m_copying = false;
  m_int8->setEnabled(true);
  m_bfloat16->setEnabled(cpuComputesBFloat16());
  m_result->setText(error.isEmpty() ? text : error);
  if (!error.isEmpty()) return;
  m_selectAfterScan = written;
  refresh();
}

bool ModelsHub::makeBFloat16Copy(const QString& path, const QString& intoFolder) {
  if (refusedCopy(path, whyNoBFloat16Copy)) return false;
  const QString folder = startCopy(tr("Writing a bfloat16 copy of %1…").arg(QFileInfo(path).fileName()), intoFolder);
  auto written = std::make_shared<QString>();
  auto text = std::make_shared<QString>();
  m_session.inBackground(
      this,
      [path, folder, written, text] {
        BundleFile bundle = readBundle(path.toStdString());
        if (const std::string why = whyNoBFloat16Copy(bundle.metadata); !why.empty()) throw Error(why);
        bundle.metadata.bfloat16 = true;
        *written = writeCopy(bundle, path, folder, "bf16");
        *text = QObject::tr("Wrote %1 (model id %2): bfloat16 on this CPU. Make it active to use it; the gallery is "
                            "then embedded for it.")
                    .arg(*written, QString::fromStdString(bundle.metadata.modelId));
      },
      [this, written, text](const QString& error) { copyFinished(*written, *text, error); });
  return true;
}

bool ModelsHub::makeInt8Copy(const QString& path, const QString& cachePath, const QString& intoFolder) {
  if (refusedCopy(path, whyNoInt8Copy)) return false;
  const QString folder =
      startCopy(tr("Calibrating %1 for 8-bit integers on %2…").arg(QFileInfo(path).fileName(), cachePath), intoFolder);
  auto written = std::make_shared<QString>();
  auto text = std::make_shared<QString>();
  m_session.inBackground(
      this,
      [path, cachePath, folder, written, text] {
        BundleFile bundle = readBundle(path.toStdString());
        if (const std::string why = whyNoInt8Copy(bundle.metadata); !why.empty()) throw Error(why);
        const FaceCache cache = FaceCache::load(cachePath.toStdString());
        const Int8CacheOutcome outcome = calibrateInt8OnCache(bundle, cache, Int8CacheOptions{});
        bundle.metadata.int8 = outcome.calibration;
        *written = writeCopy(bundle, path, folder, "int8");
        *text = QObject::tr("Wrote %1 (model id %2): 8-bit integers on the CPU, calibrated on %3.")
                    .arg(*written, QString::fromStdString(bundle.metadata.modelId),
                         QString::fromStdString(outcome.calibration.calibratedOn));
        if (outcome.check) {
          *text += QObject::tr(" Against float32, other photos of the same people: %1.")
                       .arg(QString::fromStdString(describeAgreement(*outcome.check)));
        }
      },
      [this, written, text](const QString& error) { copyFinished(*written, *text, error); });
  return true;
}

QString ModelsHub::resultText() const { return m_result->text(); }

QString ModelsHub::activeModelPath() const {
  try {
    return QString::fromStdString(m_session.engine().modelPath());
  } catch (const Error&) {
    return {};  // no model at all: nothing is active
  }
}

}  // namespace siamese::ui
