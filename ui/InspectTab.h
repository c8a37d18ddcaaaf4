#pragma once
// The Inspect tab: open a model bundle (and the training history saved
// beside it) or a training history on its own; show the bundle's metadata
// and the loss and accuracy curves; export any chart as PNG.

#include <QString>
#include <QWidget>

#include "nn/ModelBundle.h"

class QChartView;
class QLabel;
class QTabWidget;
class QTextBrowser;

namespace siamese::ui {

class InspectTab : public QWidget {
  Q_OBJECT

 public:
  explicit InspectTab(QWidget* parent = nullptr);

  /// Shows a bundle's metadata, and its history when `<bundle>.history.csv`
  /// exists. Returns false (and says why) when it cannot be read.
  bool openBundle(const QString& path);
  /// The same for a bundle whose metadata is already in memory (the active
  /// model, loaded by the session): nothing is read again but the history.
  void showBundle(const QString& path, const BundleMetadata& meta);
  /// Shows the curves of a training history CSV.
  bool openHistory(const QString& path);
  /// Shows ROC and distance histograms of a scored pair list (`siamese eval
  /// --distances`), and with the face cache of its photos a montage
  /// coloured by the verdicts at `threshold` (the open model's, else the
  /// best-accuracy threshold on these pairs).
  bool openScoredPairs(const QString& csvPath, const QString& cachePath = {});
  QString verificationText() const;

  QString metadataText() const;
  /// Points of the first series of each chart (loss, accuracy).
  int lossPoints() const;
  bool exportCharts(const QString& folder) const;

 private:
  QChartView* m_loss;
  QChartView* m_accuracy;
  QChartView* m_roc;
  QChartView* m_histogram;
  QLabel* m_verification;
  QLabel* m_montage;
  QTabWidget* m_views;
  QTextBrowser* m_metadata;
  double m_bundleThreshold = -1;  ///< of the open bundle; < 0: none
};

}  // namespace siamese::ui
