#pragma once
// The main window: Live, Gallery and Inspect tabs, a menu, and a status
// bar with the active model, the device and frames/s. Settings persist
// between runs (QSettings).

#include <QMainWindow>
#include <memory>

#include "StudioSession.h"

class QLabel;
class QTabWidget;

namespace siamese {
class FaceServer;
}

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
  /// Serves the web page and JSON API (FaceServer.h) on 127.0.0.1 at
  /// `port`, or a free port when it is taken; false (with a message) when
  /// it cannot. The address shows in the status bar until stopped.
  bool startWebServer(int port = 8765);
  void stopWebServer();
  /// "http://127.0.0.1:8765/" while serving, else empty.
  QString webServerUrl() const;
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
  QLabel* m_serverLabel;
  std::unique_ptr<FaceServer> m_server;
};

}  // namespace siamese::ui
