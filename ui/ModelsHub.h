#pragma once
// The models hub on the Training tab: every model the user has (shipped,
// imported, trained, adapted) in one list with its id, architecture, what
// it was trained on and what it started from, and its figures from its
// card; actions to make one active (the gallery is then embedded for it),
// open it in Inspect, compare two on a data set, adapt the active one to
// the gallery's people, and delete one the user made. Bundles are read on
// workers, never on the GUI thread.

#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include "StudioSession.h"
#include "nn/ModelBundle.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace siamese::ui {

/// One model file and what its card says.
struct ModelEntry {
  QString path;
  QString kind;  ///< "shipped", "pretrained", "trained", "trained on a pretrained model", "adapted"
  BundleMetadata metadata;
};

class ModelsHub : public QWidget {
  Q_OBJECT

 public:
  ModelsHub(StudioSession& session, QWidget* parent = nullptr);

  /// Looks for models again (on a worker); the list follows.
  void refresh();
  bool scanning() const { return m_scanning; }
  const QVector<ModelEntry>& models() const { return m_models; }
  QTableWidget* table() const { return m_table; }
  /// Selects the row of `path`; false when it is not listed.
  bool select(const QString& path);
  /// Deletes a model the user made (not the active one, the shipped model or
  /// the imported tower), asking first when `confirm`. False when refused.
  bool deleteModel(const QString& path, bool confirm = true);
  /// Rank-1 identification (one reference per person, seed 1) of two models
  /// on a face cache, on a worker; the result shows in resultText().
  void compare(const QString& first, const QString& second, const QString& cachePath);
  QString resultText() const;

  /// Every folder a model may be in, and the models found there.
  static QVector<ModelEntry> findModels(const QStringList& extraPaths);

 signals:
  void makeActive(const QString& path);
  void openInInspect(const QString& path);
  void adaptRequested();

 private:
  void show();
  QString selectedPath() const;
  /// The model in use ("" when there is none).
  QString activeModelPath() const;
  QStringList selectedPaths() const;

  StudioSession& m_session;
  QTableWidget* m_table;
  QLabel* m_result;
  QPushButton* m_activate;
  QPushButton* m_inspect;
  QPushButton* m_compare;
  QPushButton* m_adapt;
  QPushButton* m_delete;
  QVector<ModelEntry> m_models;
  bool m_scanning = false;
  bool m_rescan = false;  ///< asked for while a scan ran
};

}  // namespace siamese::ui
