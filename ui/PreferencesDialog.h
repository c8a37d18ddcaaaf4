#pragma once
// Edit → Preferences: the live detector, how often and where it runs, and an
// optional threshold that overrides the gallery's and the model's.

#include <QDialog>

#include "StudioSettings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace siamese::ui {

class PreferencesDialog : public QDialog {
  Q_OBJECT

 public:
  PreferencesDialog(StudioSettings& settings, QWidget* parent = nullptr);

  QComboBox* detector() const { return m_detector; }
  QSpinBox* detectEvery() const { return m_detectEvery; }
  QCheckBox* detectInBackground() const { return m_detectInBackground; }
  QCheckBox* overrideThreshold() const { return m_override; }
  QDoubleSpinBox* threshold() const { return m_threshold; }

  /// Stores the dialog's values in the settings (and on disk).
  void accept() override;

 private:
  StudioSettings& m_settings;
  QComboBox* m_detector;
  QSpinBox* m_detectEvery;
  QCheckBox* m_detectInBackground;
  QCheckBox* m_override;
  QDoubleSpinBox* m_threshold;
};

}  // namespace siamese::ui
