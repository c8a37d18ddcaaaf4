#pragma once
// The models hub on the Training tab: every model the user has (shipped,
// imported, trained, adapted) in one list with its id, architecture, what
// it was trained on and what it started from, and its figures from its
// card; actions to make one active (the gallery is then embedded for it),
// open it in Inspect, compare two on a data set, adapt the active one to
// the gallery's people, make an 8-bit copy of a residual net or a bfloat16
// copy of any model, and delete
// one the user made. Bundles are read on
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
  /// Writes a copy of the model that embeds in 8-bit integers on the CPU,
  /// calibrated on photos of a face cache and checked against float32 on
  /// others (on a worker), into `folder` (default: the user's models
  /// folder, which the list shows: it then selects the copy); resultText()
  /// says what the integers cost. False at once (saying why) when a copy
  /// is being made, or when a model the list shows cannot run in integers
  /// or already does; for a model not listed the worker finds that out and
  /// resultText() says it.
  bool makeInt8Copy(const QString& path, const QString& cachePath, const QString& folder = {});
  /// Writes a copy of the model that embeds in bfloat16 on this CPU (on a
  /// worker), into `folder` as makeInt8Copy does. False at once (saying
  /// why) when a copy is being made, or when the list shows the model and
  /// this CPU does not compute bfloat16 or the model already embeds in
  /// bfloat16 or in 8-bit integers; for a model not listed the worker
  /// finds that out and resultText() says it.
  bool makeBFloat16Copy(const QString& path, const QString& folder = {});
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
  /// The listed model at `path`, or m_models.end().
  QVector<ModelEntry>::iterator listed(const QString& path);
  /// True (and says why) when a copy is being made, or `why` gives a
  /// reason for a listed model (cannot run in 8-bit integers, already
  /// embeds in bfloat16...).
  bool refusedCopy(const QString& path, std::string (*why)(const BundleMetadata&));
  /// Writes `bundle` into `folder` as <path's name>-<suffix>.siamese, or
  /// -<suffix>-2, -3… when that is taken (never over another model).
  static QString writeCopy(BundleFile& bundle, const QString& path, const QString& folder, const QString& suffix);
  /// Marks a copy as being made (its buttons off, `message` shown) and
  /// returns the folder it goes into: `intoFolder`, or the user's models.
  QString startCopy(const QString& message, const QString& intoFolder);
  /// Done on the GUI thread when a copy's worker ends.
  void copyFinished(const QString& written, const QString& text, const QString& error);

  StudioSession& m_session;
  QTableWidget* m_table;
  QLabel* m_result;
  QPushButton* m_activate;
  QPushButton* m_inspect;
  QPushButton* m_compare;
  QPushButton* m_int8;
  QPushButton* m_bfloat16;
  QPushButton* m_adapt;
  QPushButton* m_delete;
  QVector<ModelEntry> m_models;
  bool m_scanning = false;
  bool m_rescan = false;  ///< asked for while a scan ran
  QString m_selectAfterScan;  ///< a model just written, selected once the scan lists it
  bool m_copying = false;  ///< an 8-bit or bfloat16 copy is being made
};

}  // namespace siamese::ui
