#pragma once
// Page 7 of the training wizard (TrainingWizard.h shows the whole flow).

#include "WizardPage.h"

class QCheckBox;
class QLabel;
class QLineEdit;

namespace siamese::ui {

/// 7. Save the bundle and make it the active model; the gallery re-embeds.
class DeployPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit DeployPage(SharedState state);
  void initializePage() override;
  bool validatePage() override;
  QLineEdit* pathEdit() const { return m_path; }
 signals:
  void deployed(const QString& bundlePath);
 private:
  SharedState m_state;
  QLineEdit* m_path;
  QLineEdit* m_name;
  QCheckBox* m_activate;
  QLabel* m_summary;
};

}  // namespace siamese::ui
