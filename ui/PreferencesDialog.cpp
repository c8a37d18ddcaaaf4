#include "PreferencesDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace siamese::ui {

PreferencesDialog::PreferencesDialog(StudioSettings& settings, QWidget* parent) : QDialog(parent), m_settings(settings) {
  setWindowTitle(tr("Preferences"));
  m_detector = new QComboBox;
  m_detector->addItem(tr("dlib HOG (default)"), "hog");
  m_detector->addItem(tr("OpenCV Haar cascade (faster, more false faces)"), "haar");
  m_detector->addItem(tr("dlib CNN (MMOD; slow on a CPU)"), "mmod");
  m_detector->setCurrentIndex(std::max(0, m_detector->findData(settings.detector)));
  m_detectEvery = new QSpinBox;
  m_detectEvery->setRange(1, 30);
  m_detectEvery->setValue(settings.detectEvery);
  m_detectEvery->setToolTip(tr("The faces are tracked on the frames in between"));
  m_detectInBackground = new QCheckBox(tr("Detect on a second core while tracking"));
  m_detectInBackground->setChecked(settings.detectInBackground);
  m_detectInBackground->setToolTip(
      tr("Up to twice the frames per second on two cores; a new face is found a few frames later"));
  m_override = new QCheckBox(tr("Use my own threshold"));
  m_override->setChecked(settings.threshold.has_value());
  m_threshold = new QDoubleSpinBox;
  m_threshold->setDecimals(4);
  m_threshold->setRange(0.0001, 100);
  m_threshold->setSingleStep(0.01);
  m_threshold->setValue(settings.threshold.value_or(0.6));
  m_threshold->setEnabled(m_override->isChecked());
  connect(m_override, &QCheckBox::toggled, m_threshold, &QWidget::setEnabled);
  auto* note = new QLabel(tr("Without your own threshold, faces are named when closer than the threshold "
                             "calibrated on the gallery (siamese gallery threshold --save), else the model's."));
  note->setWordWrap(true);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* form = new QFormLayout;
  form->addRow(tr("Live face detector:"), m_detector);
  form->addRow(tr("Detect on every n-th frame:"), m_detectEvery);
  form->addRow(QString(), m_detectInBackground);
  form->addRow(m_override, m_threshold);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(note);
  layout->addWidget(buttons);
}

void PreferencesDialog::accept() {
  m_settings.detector = m_detector->currentData().toString();
  m_settings.detectEvery = m_detectEvery->value();
  m_settings.detectInBackground = m_detectInBackground->isChecked();
  m_settings.threshold = m_override->isChecked() ? std::optional<double>(m_threshold->value()) : std::nullopt;
  m_settings.save();
  QDialog::accept();
}

}  // namespace siamese::ui
