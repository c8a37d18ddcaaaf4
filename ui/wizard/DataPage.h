#pragma once
// Page 1 of the training wizard (TrainingWizard.h shows the whole flow).

#include "WizardPage.h"

class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace siamese::ui {

/// 1. Which photos: a folder (folder per person, identity list, …) or an
/// existing face cache, with counts per person.
class DataPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit DataPage(SharedState state);
  bool isComplete() const override;
  bool validatePage() override;
  /// Reads the source now (the GUI calls it when the path changes).
  bool scan(const QString& source);
  QLineEdit* workFolderEdit() const { return m_work; }
 private:
  SharedState m_state;
  QLineEdit* m_source;
  QLineEdit* m_work;
  QSpinBox* m_minPhotos;
  QLabel* m_summary;
  QTableWidget* m_counts;
  bool m_ok = false;
};

}  // namespace siamese::ui
