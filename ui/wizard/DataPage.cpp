#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "DataPage.h"
#include "common/Error.h"

namespace siamese::ui {

DataPage::DataPage(SharedState state) : m_state(std::move(state)) {
  setTitle(tr("1. Data set"));
  setSubTitle(tr("A folder with one sub-folder of photos per person (LFW, AT&T, celeb13 …) or another layout "
                 "the engine recognises, an identity list (\"<image> <identity>\" per line, images beside it), "
                 "or a face cache prepared earlier."));
  m_source = new QLineEdit;
  m_work = new QLineEdit;
  m_minPhotos = new QSpinBox;
  m_minPhotos->setRange(1, 1000);
  m_minPhotos->setValue(2);
  m_minPhotos->setToolTip(tr("People with fewer photos are left out (a person needs two for a 'same' pair)"));
  auto* browseFolder = new QPushButton(tr("Folder…"));
  auto* browseCache = new QPushButton(tr("Face cache or list…"));
  auto* browseWork = new QPushButton(tr("…"));
  m_summary = new QLabel;
  m_summary->setWordWrap(true);
  m_counts = new QTableWidget(0, 2);
  m_counts->setHorizontalHeaderLabels({tr("person"), tr("photos")});
  m_counts->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  m_counts->setEditTriggers(QAbstractItemView::NoEditTriggers);

  auto* sourceRow = new QHBoxLayout;
  sourceRow->addWidget(m_source, 1);
  sourceRow->addWidget(browseFolder);
  sourceRow->addWidget(browseCache);
  auto* workRow = new QHBoxLayout;
  workRow->addWidget(m_work, 1);
  workRow->addWidget(browseWork);
  auto* form = new QFormLayout;
  form->addRow(tr("Photos:"), sourceRow);
  form->addRow(tr("Least photos per person:"), m_minPhotos);
  form->addRow(tr("Work folder:"), workRow);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(m_summary);
  layout->addWidget(m_counts, 1);

  connect(browseFolder, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Data set folder"));
    if (!dir.isEmpty()) m_source->setText(dir);
  });
  connect(browseCache, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Face cache or identity list"), {},
                                                      tr("Face caches (*.cache);;Identity lists (*.txt)"));
    if (!file.isEmpty()) m_source->setText(file);
  });
  connect(browseWork, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Work folder"));
    if (!dir.isEmpty()) m_work->setText(dir);
  });
  connect(m_source, &QLineEdit::editingFinished, this, [this] { scan(m_source->text()); });
  connect(m_minPhotos, qOverload<int>(&QSpinBox::valueChanged), this, [this] { scan(m_source->text()); });
  connect(m_work, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
}

bool DataPage::scan(const QString& source) {
  if (m_source->text() != source) m_source->setText(source);
  m_ok = false;
  m_counts->setRowCount(0);
  m_state->dataset.reset();
  m_state->cache.reset();
  std::vector<std::pair<std::string, int>> counts;
  try {
    const QFileInfo info(source);
    m_state->sourceIsCache = info.isFile() && info.suffix() == "cache";
    if (m_state->sourceIsCache) {
      auto cache = std::make_shared<FaceCache>(FaceCache::load(source.toStdString()));
      const auto byPerson = cache->facesByPerson();
      for (std::size_t p = 0; p < byPerson.size(); ++p) counts.emplace_back(cache->people()[p], int(byPerson[p].size()));
      m_summary->setText(tr("A face cache: %1 people, %2 faces, %3 px crops. Preparation is already done.")
                             .arg(cache->people().size())
                             .arg(cache->size())
                             .arg(cache->settings().cropSize));
      m_state->cache = std::move(cache);
    } else {
      DatasetOptions options;
      options.minPhotosPerPerson = m_minPhotos->value();
      std::string root = source.toStdString();
      if (info.isFile() && info.suffix() == "txt") {
        // An identity list ("<image> <identity>" per line; CelebA's layout)
        // naming images in its own folder.
        options.format = DatasetFormat::IdentityList;
        options.identityList = root;
        root = info.absolutePath().toStdString();
      }
      Dataset dataset = openDataset(root, options);
      const auto perPerson = dataset.countsPerPerson();
      for (std::size_t p = 0; p < dataset.people.size(); ++p) counts.emplace_back(dataset.people[p], perPerson[p]);
      m_summary->setText(tr("%1 people with %2 photos (%3 format)")
                             .arg(dataset.people.size())
                             .arg(dataset.samples.size())
                             .arg(QString::fromStdString(datasetFormatName(dataset.format))));
      m_state->dataset = std::move(dataset);
    }
    m_ok = counts.size() >= 2;
    if (!m_ok) m_summary->setText(m_summary->text() + tr(" — at least two people are needed."));
  } catch (const Error& e) {
    m_summary->setText(QString::fromUtf8(e.what()));
  }
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  m_counts->setRowCount(int(counts.size()));
  for (int r = 0; r < int(counts.size()); ++r) {
    m_counts->setItem(r, 0, new QTableWidgetItem(QString::fromStdString(counts[r].first)));
    auto* n = new QTableWidgetItem;
    n->setData(Qt::DisplayRole, counts[r].second);
    m_counts->setItem(r, 1, n);
  }
  if (m_ok && m_work->text().isEmpty()) {
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    m_work->setText(base + "/training/" + QFileInfo(source).completeBaseName());
  }
  emit completeChanged();
  return m_ok;
}

bool DataPage::isComplete() const { return m_ok && !m_work->text().isEmpty(); }

bool DataPage::validatePage() {
  if (!QDir().mkpath(m_work->text())) {
    m_summary->setText(tr("Cannot create the work folder %1").arg(m_work->text()));
    return false;
  }
  m_state->source = m_source->text();
  m_state->workFolder = m_work->text();
  m_state->cachePath = m_state->sourceIsCache ? m_source->text().toStdString()
                                              : (m_work->text() + "/faces.cache").toStdString();
  return true;
}

}  // namespace siamese::ui
