#pragma once
// The main window: Live, Gallery and Inspect tabs, a menu, and a status
// bar with the active model, the device and frames/s. Settings persist
// between runs (QSettings).

#include <QMainWindow>

#include "StudioSession.h"

class QLabel;
class QTabWidget;

namespace siamese::ui {

class AdaptDialog;
class GalleryTab;
class InspectTab;
class LiveTab;
class ModelsHub;
class TrainingWizard;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  LiveTab* liveTab() const { return m_live; }
  GalleryTab* galleryTab() const { return m_gallery; }
  InspectTab* inspectTab() const { return m_inspect; }
  ModelsHub* modelsHub() const { return m_models; }
  QTabWidget* tabs() const { return m_tabs; }
  StudioSettings& settings() { return m_session.settings(); }
  StudioSession& session() { return m_session; }
  QString statusText() const;
  /// Opens the training wizard (non-modal); its deployed model becomes active.
  TrainingWizard* openTrainingWizard();
  /// Opens "adapt the active model to my people" (non-modal).
  AdaptDialog* openAdaptDialog();

  /// Uses another model / gallery from now on (remembered).
  void useModel(const QString& path);
  void useGallery(const QString& path);

 private:
  void buildMenu();
  void describeModel(const QString& description);
  void showAbout();
  QWidget* makeTrainingTab();

  StudioSession m_session;  ///< before the tabs, which use it; they go first (see the destructor)
  QTabWidget* m_tabs;
  LiveTab* m_live;
  GalleryTab* m_gallery;
  InspectTab* m_inspect;
  ModelsHub* m_models = nullptr;
  QLabel* m_modelLabel;
  QLabel* m_fpsLabel;
};

}  // namespace siamese::ui
