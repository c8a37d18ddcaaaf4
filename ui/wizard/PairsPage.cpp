#include "PairsPage.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ImageConversion.h"
#include "common/Error.h"
#include "data/CachePairs.h"
#include "render/Montage.h"

namespace siamese::ui {

PairsPage::PairsPage(SharedState state) : m_state(std::move(state)) {
  setTitle(tr("3. Pairs"));
  setSubTitle(tr("People are split into training, validation and test people (nobody is in two splits); "
                 "each split gets as many 'same' pairs as 'different' pairs."));
  m_train = new QDoubleSpinBox;
  m_train->setRange(0.1, 0.9);
  m_train->setSingleStep(0.05);
  m_train->setValue(0.7);
  m_validation = new QDoubleSpinBox;
  m_validation->setRange(0.05, 0.5);
  m_validation->setSingleStep(0.05);
  m_validation->setValue(0.15);
  m_pairs = new QSpinBox;
  m_pairs->setRange(10, 1000000);
  m_pairs->setValue(20000);
  m_pairs->setToolTip(tr("At most this many pairs per split"));
  m_seed = new QSpinBox;
  m_seed->setRange(0, 1 << 30);
  m_seed->setValue(42);
  m_minPhotos = new QSpinBox;
  m_minPhotos->setRange(2, 1000);
  m_minPhotos->setValue(2);
  auto* rebuild = new QPushButton(tr("Build pairs"));
  m_report = new QLabel;
  m_report->setWordWrap(true);
  m_montage = new QLabel;
  m_montage->setAlignment(Qt::AlignCenter);

  auto* form = new QFormLayout;
  form->addRow(tr("Share of people for training:"), m_train);
  form->addRow(tr("… for validation (the rest: test):"), m_validation);
  form->addRow(tr("Pairs per split, at most:"), m_pairs);
  form->addRow(tr("Least photos per person:"), m_minPhotos);
  form->addRow(tr("Seed:"), m_seed);
  form->addRow(QString(), rebuild);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(m_report);
  layout->addWidget(m_montage, 1);
  connect(rebuild, &QPushButton::clicked, this, &PairsPage::build);
}

void PairsPage::initializePage() {
  // With few people, 15% for validation and test leaves one person each,
  // who cannot make a 'different' pair: give them a fifth each.
  if (m_state->cache && m_state->cache->people().size() < 20) {
    m_train->setValue(0.6);
    m_validation->setValue(0.2);
  }
  build();
}

bool PairsPage::build() {
  m_state->pairs.reset();
  m_state->result.reset();  // a model trained on other pairs must be trained again
  m_montage->clear();
  const auto& cache = m_state->cache;
  if (!cache) return false;
  PairOptions options;
  options.fractions = {m_train->value(), m_validation->value(), 1.0 - m_train->value() - m_validation->value()};
  options.maxPairsPerSplit = std::size_t(m_pairs->value());
  options.minPhotosPerPerson = m_minPhotos->value();
  options.seed = std::uint64_t(m_seed->value());
  try {
    if (options.fractions[2] <= 0) throw Error("training and validation shares leave no test people");
    PairSet pairs = buildCachePairs(*cache, options);
    QString report;
    for (Split s : {Split::Train, Split::Validation, Split::Test}) {
      const SplitReport& r = pairs.reports[std::size_t(s)];
      report += tr("%1: %2 people, %3 same + %4 different pairs\n")
                    .arg(QString::fromLatin1(splitName(s)))
                    .arg(r.people)
                    .arg(r.positives)
                    .arg(r.negatives);
    }
    m_report->setText(report.trimmed());
    // A montage of test pairs, as the seed projects showed theirs.
    std::vector<MontagePair> shown;
    for (const Pair& p : pairs[Split::Test]) {
      if (shown.size() == 12) break;
      shown.push_back(MontagePair{cache->crop(std::size_t(p.a)), cache->crop(std::size_t(p.b)), p.same,
                                  cache->people()[std::size_t(cache->faces()[std::size_t(p.a)].person)], std::nullopt});
    }
    MontageOptions montage;
    montage.columns = 6;
    montage.rows = 2;
    montage.faceSize = 72;
    if (!shown.empty()) showImage(m_montage, renderMontage(shown, montage), 900);
    m_state->pairOptions = options;
    m_state->pairs = std::move(pairs);
  } catch (const Error& e) {
    m_report->setText(QString::fromUtf8(e.what()));
  }
  emit completeChanged();
  return m_state->pairs.has_value();
}

QString PairsPage::reportText() const { return m_report->text(); }

bool PairsPage::isComplete() const {
  return m_state->pairs && !(*m_state->pairs)[Split::Train].empty() && !(*m_state->pairs)[Split::Validation].empty() &&
         !(*m_state->pairs)[Split::Test].empty();
}

}  // namespace siamese::ui
