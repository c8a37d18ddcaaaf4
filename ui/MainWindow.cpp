#include "MainWindow.h"

#include <filesystem>

#include <QApplication>
#include <QFileDialog>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

#include "GalleryTab.h"
#include "InspectTab.h"
#include "LiveTab.h"
#include "common/DefaultPaths.h"
#include "ModelLabel.h"
#include "PreferencesDialog.h"
#include "AdaptDialog.h"
#include "serve/FaceServer.h"
#include "ModelsHub.h"
#include "wizard/TrainingWizard.h"
#include "common/Version.h"
#include "nn/Embedder.h"

namespace siamese::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("Siamese Studio"));
  m_tabs = new QTabWidget;
  m_live = new LiveTab(m_session);
  m_gallery = new GalleryTab(m_session);
  m_inspect = new InspectTab;
  m_tabs->addTab(m_live, tr("&Live"));
  m_tabs->addTab(m_gallery, tr("&Gallery"));
  m_tabs->addTab(makeTrainingTab(), tr("&Training"));
  m_tabs->addTab(m_inspect, tr("&Inspect"));
  setCentralWidget(m_tabs);

  m_modelLabel = new QLabel;
  m_fpsLabel = new QLabel;
  statusBar()->addPermanentWidget(m_modelLabel);
  statusBar()->addPermanentWidget(m_fpsLabel);
  m_serverLabel = new QLabel;
  m_serverLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_serverLabel->hide();
  statusBar()->addPermanentWidget(m_serverLabel);
  buildMenu();
  m_modelLabel->setText(tr("Loading the model…"));
  connect(&m_session, &StudioSession::modelReady, this, &MainWindow::describeModel);
  connect(&m_session, &StudioSession::modelFailed, this,
          [this](const QString& error) { m_modelLabel->setText(tr("No model: %1").arg(error)); });
  connect(&m_session, &StudioSession::modelChanged, this, [this] { m_modelLabel->setText(tr("Loading the model…")); });

  connect(m_live, &LiveTab::framesPerSecondChanged, this, [this](double fps) {
    m_fpsLabel->setText(fps > 0 ? tr("%1 frames/s").arg(fps, 0, 'f', 1) : QString());
  });
  connect(m_live, &LiveTab::modelDescribed, this, [this](const QString& d) { m_modelLabel->setText(tr("Model: %1").arg(d)); });
  connect(m_live, &LiveTab::status, this, [this](const QString& s) { statusBar()->showMessage(s, 8000); });
  connect(m_gallery, &GalleryTab::status, this, [this](const QString& s) { statusBar()->showMessage(s, 8000); });
  resize(1200, 760);
}

MainWindow::~MainWindow() {
  m_server.reset();  // its requests use the session
  // The tabs stop their live view and jobs, which use the session, before
  // the session (a member) goes.
  delete takeCentralWidget();
  m_session.settings().save();
}

void MainWindow::buildMenu() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("Choose &model…"), QKeySequence::Open, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Model bundle"), {}, tr("Model bundles (*.siamese)"));
    if (!path.isEmpty()) useModel(path);
  });
  file->addAction(tr("Choose &gallery…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Gallery database"), {}, tr("Galleries (*.db)"), nullptr,
                                                      QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty()) useGallery(path);
  });
  file->addAction(tr("Use the &default model"), this, [this] { useModel({}); });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);
  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->addAction(tr("&Preferences…"), QKeySequence(Qt::CTRL | Qt::Key_Comma), this, [this] {
    PreferencesDialog dialog(m_session.settings(), this);
    if (dialog.exec() != QDialog::Accepted) return;
    m_session.applySettings();
    if (m_live->isRunning()) {
      statusBar()->showMessage(tr("The new detector settings apply when the live view starts again"), 8000);
    }
  });
  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (int i = 0; i < m_tabs->count(); ++i) {
    view->addAction(m_tabs->tabText(i).remove('&'), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)), this,
                    [this, i] { m_tabs->setCurrentIndex(i); });
  }
  QMenu* server = menuBar()->addMenu(tr("&Server"));
  QAction* startServer = server->addAction(tr("Start the &web page and API"));
  QAction* stopServer = server->addAction(tr("S&top the web page and API"));
  stopServer->setEnabled(false);
  connect(startServer, &QAction::triggered, this, [this, startServer, stopServer] {
    if (!startWebServer()) return;
    startServer->setEnabled(false);
    stopServer->setEnabled(true);
    QMessageBox::information(this, tr("Web page and API"),
                             tr("Serving on %1 (this machine only).\nOpen it in a browser, or call %1api/compare, "
                                "api/identify, api/people and api/health.")
                                 .arg(webServerUrl()));
  });
  connect(stopServer, &QAction::triggered, this, [this, startServer, stopServer] {
    stopWebServer();
    startServer->setEnabled(true);
    stopServer->setEnabled(false);
  });
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Siamese Studio"), this, &MainWindow::showAbout);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

bool MainWindow::startWebServer(int port) {
  if (m_server) return true;
  // Loopback only: from the app there is no token to give. The usual port,
  // or any free one when something else has it.
  for (const int tryPort : {port, 0}) {
    try {
      ServerOptions options;
      options.port = tryPort;
      auto server = std::make_unique<FaceServer>(m_session.engine(), options);
      server->start();
      m_server = std::move(server);
      m_serverLabel->setText(tr("Web: %1").arg(webServerUrl()));
      m_serverLabel->show();
      return true;
    } catch (const std::exception& e) {
      if (tryPort == 0) QMessageBox::warning(this, tr("Web page and API"), QString::fromUtf8(e.what()));
    }
  }
  return false;
}

void MainWindow::stopWebServer() {
  m_server.reset();
  m_serverLabel->hide();
}

QString MainWindow::webServerUrl() const { return m_server ? QString::fromStdString(m_server->url()) : QString(); }

void MainWindow::describeModel(const QString& description) {
  m_modelLabel->setText(tr("Model: %1").arg(description));
  const QString path = QString::fromStdString(m_session.engine().modelPath());
  // The session has the model's description already: the Inspect tab shows
  // it without reading the bundle again on this thread.
  if (const auto model = m_session.engine().loadedModel()) m_inspect->showBundle(path, model->metadata());
  // Running on our own model because the tower was never imported: say how to get it.
  if (settings().modelPath.isEmpty() && !std::filesystem::exists(faceTowerPath())) {
    m_modelLabel->setToolTip(tr("The pretrained face tower (98.92% on LFW) is not installed: %1")
                                 .arg(QString::fromStdString(howToGetFaceTower())));
    statusBar()->showMessage(tr("Using our own model: the face tower is not installed (see the model's tooltip)"),
                             15000);
  } else {
    m_modelLabel->setToolTip(path);
  }
}

QWidget* MainWindow::makeTrainingTab() {
  auto* tab = new QWidget;
  auto* text = new QLabel(tr(
      "<h3>Train, adapt and choose models</h3>"
      "<p>The wizard takes you through training with the same engine as <tt>siamese train</tt>: from scratch, on "
      "top of the pretrained face tower, or from a model trained before; data, face cache, balanced pairs, the "
      "network and loss (contrastive, triplet or Koch et al.'s), live curves, evaluation on unseen people, the "
      "threshold, and deployment. Below, every model you have.</p>"));
  text->setWordWrap(true);
  auto* start = new QPushButton(tr("Start the training wizard…"));
  start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  connect(start, &QPushButton::clicked, this, &MainWindow::openTrainingWizard);
  m_models = new ModelsHub(m_session);
  connect(m_models, &ModelsHub::makeActive, this, [this](const QString& path) {
    useModel(path);
    m_gallery->reembed();
  });
  connect(m_models, &ModelsHub::openInInspect, this, [this](const QString& path) {
    m_inspect->openBundle(path);
    m_tabs->setCurrentWidget(m_inspect);
  });
  connect(m_models, &ModelsHub::adaptRequested, this, &MainWindow::openAdaptDialog);
  auto* layout = new QVBoxLayout(tab);
  layout->addWidget(text);
  layout->addWidget(start, 0, Qt::AlignLeft);
  layout->addWidget(new QLabel(tr("<b>Models</b>")));
  layout->addWidget(m_models, 1);
  return tab;
}

AdaptDialog* MainWindow::openAdaptDialog() {
  auto* dialog = new AdaptDialog(m_session, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &AdaptDialog::adapted, this, [this](const QString& path) {
    useModel(path);  // the gallery was embedded for it already
    m_models->refresh();
  });
  dialog->show();
  return dialog;
}

TrainingWizard* MainWindow::openTrainingWizard() {
  auto* wizard = new TrainingWizard(this);
  wizard->setAttribute(Qt::WA_DeleteOnClose);
  connect(wizard, &TrainingWizard::deployed, this, [this](const QString& path) {
    useModel(path);
    m_inspect->openBundle(path);
    m_gallery->reembed();
    m_models->refresh();
  });
  wizard->show();
  return wizard;
}

QString MainWindow::statusText() const { return m_modelLabel->text() + " " + m_fpsLabel->text(); }

void MainWindow::useModel(const QString& path) {
  m_session.useModel(path);
  statusBar()->showMessage(tr("Model changed: re-embed the gallery (Gallery tab) so it can be matched"), 10000);
}

void MainWindow::useGallery(const QString& path) { m_session.useGallery(path); }

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About Siamese Studio"),
      tr("<h3>Siamese Studio %1</h3>"
         "<p>Face identification with siamese networks: detection and landmark alignment (dlib, OpenCV), "
         "siamese CNNs (LibTorch), an SQLite gallery and live video.</p>"
         "<p>Qt %2 · LibTorch %3 · built with the libraries of Debian 12.</p>"
         "<p><b>Licences of the models and data in use</b></p><ul>"
         "<li>dlib's 68-point landmark model was trained on iBUG 300-W, whose licence <b>excludes commercial "
         "use</b>.</li>"
         "<li>dlib's HOG face detector: Boost licence; OpenCV's Haar cascades: BSD-style licence.</li>"
         "<li>The face tower (the default model once imported by <tt>siamese import</tt>): dlib's face "
         "ResNet by Davis King, public domain (CC0), from the npm package @vladmandic/face-api 1.7.15 (MIT); "
         "trained on about 3 million faces of 7,485 people (FaceScrub, VGG-Face, web photos). See "
         "models/FACE_TOWER_CARD.md.</li>"
         "<li>Our own model was trained by this program on Labeled Faces in the Wild (LFW), a research "
         "data set; see models/MODEL_CARD.md for its data, figures and limits.</li></ul>")
          .arg(QString::fromLatin1(kVersion))
          .arg(QString::fromLatin1(qVersion()))
          .arg(QString::fromStdString(torchVersion())));
}

}  // namespace siamese::ui
