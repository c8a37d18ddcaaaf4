#include "Screenshots.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QInputDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <cstdio>

#include "AdaptDialog.h"
#include "EnrolFromCameraDialog.h"
#include "GalleryTab.h"
#include "LiveTab.h"
#include "MainWindow.h"
#include "ModelsHub.h"
#include "PreferencesDialog.h"
#include "wizard/TrainingWizard.h"

namespace siamese::studio {
namespace {

// Lets the event loop run (frames arrive, jobs finish) for up to `ms`,
// or until `done` says so.
template <typename Done>
void pump(int ms, Done done) {
  QElapsedTimer timer;
  timer.start();
  while (timer.elapsed() < ms && !done()) {
    QApplication::processEvents(QEventLoop::AllEvents, 50);
    QThread::msleep(10);
  }
}

// Says on stderr what is being done, with the time since the start, so a
// run that gets stuck shows where.
void step(const QString& what) {
  static QElapsedTimer sinceStart;
  if (!sinceStart.isValid()) sinceStart.start();
  std::fprintf(stderr, "screenshots: %6.1f s  %s\n", sinceStart.elapsed() / 1000.0, qPrintable(what));
}

bool save(const QImage& image, const QString& file) {
  step(file);
  return image.save(file);
}

bool grabTab(ui::MainWindow& window, int tab, const QString& file) {
  window.tabs()->setCurrentIndex(tab);
  pump(300, [] { return false; });
  return save(window.grab().toImage(), file);
}

// The wizard on a small data set: its model page, its training page with
// the curves of a few short epochs (the last three averaged), and its
// evaluation page.
int wizardScreenshots(ui::MainWindow& window, const QString& folder, const QString& trainData) {
  QTemporaryDir work;
  ui::TrainingWizard* wizard = window.openTrainingWizard();
  wizard->dataPage()->workFolderEdit()->setText(work.path());
  int written = 0;
  if (wizard->dataPage()->scan(trainData)) {
    wizard->next();
    wizard->preparePage()->startPreparing();
    pump(300000, [&] { return wizard->preparePage()->isComplete(); });
    wizard->next();
    wizard->next();
    wizard->modelPage()->epochs()->setValue(6);
    wizard->modelPage()->stepsPerEpoch()->setValue(40);
    wizard->modelPage()->peoplePerBatch()->setValue(6);
    wizard->modelPage()->averageFrom()->setValue(4);  // the last three epochs' weights averaged
    pump(300, [] { return false; });
    written += save(wizard->grab().toImage(), folder + "/wizard-model.png");
    wizard->next();
    wizard->trainPage()->startTraining();
    pump(600000, [&] { return wizard->trainPage()->isComplete(); });
    pump(300, [] { return false; });
    written += save(wizard->grab().toImage(), folder + "/wizard-training.png");
    wizard->next();
    pump(120000, [&] { return wizard->evaluatePage()->isComplete(); });
    pump(300, [] { return false; });
    written += save(wizard->grab().toImage(), folder + "/wizard-evaluation.png");
  }
  static_cast<QDialog*>(wizard)->done(QDialog::Rejected);  // not reject(): no question about the undeployed model
  return written;
}

// Nobody is there to answer a message box during a screenshot run: its
// nested event loop would wait for ever. Each one is printed (it says what
// went wrong) and dismissed, and the run goes on.
void dismissMessageBoxes(QObject* owner) {
  auto* timer = new QTimer(owner);
  QObject::connect(timer, &QTimer::timeout, [] {
    QWidget* modal = QApplication::activeModalWidget();
    if (auto* box = qobject_cast<QMessageBox*>(modal)) {
      std::fprintf(stderr, "screenshots: dismissed a message box \"%s\": %s\n", qPrintable(box->windowTitle()),
                   qPrintable(box->text()));
      box->done(QMessageBox::Cancel);
    } else if (auto* input = qobject_cast<QInputDialog*>(modal)) {
      std::fprintf(stderr, "screenshots: dismissed a question \"%s\"\n", qPrintable(input->windowTitle()));
      input->reject();
    }
  });
  timer->start(250);
}

}  // namespace

int takeScreenshots(ui::MainWindow& window, const QString& folder, const QString& liveSource, const QString& trainData,
                    const QString& adaptImpostors, const QString& enrolSource) {
  QDir().mkpath(folder);
  window.resize(1280, 800);
  window.show();
  dismissMessageBoxes(&window);
  int failed = 0;  // pictures that could not be written
  if (!liveSource.isEmpty()) {
    window.tabs()->setCurrentIndex(0);
    step("playing " + liveSource);
    window.liveTab()->startSource(liveSource);
    // Until a moment when two faces (or, after a while, one) are in view
    // and their names have won their votes; then stop, so the picture stays
    // on that frame.
    QElapsedTimer timer;
    timer.start();
    pump(30000, [&] {
      const QStringList names = window.liveTab()->shownNames();
      const bool decided = !names.isEmpty() && !names.contains("?");
      return !window.liveTab()->isRunning() ||
             (decided && timer.elapsed() > 2000 && (names.size() >= 2 || timer.elapsed() > 6000));
    });
    window.liveTab()->stopLive();
    pump(5000, [&] { return !window.liveTab()->isRunning(); });
  }
  failed += !grabTab(window, 0, folder + "/live.png");
  if (!liveSource.isEmpty()) {
    // "Why this name?" for the first face on screen.
    const auto& faces = window.liveTab()->lastFrame().result.faces;
    if (!faces.empty() && window.liveTab()->explainFace(faces.front().trackId)) {
      pump(30000, [&] { return !window.liveTab()->explaining(); });
      failed += !save(window.liveTab()->lastExplanation(), folder + "/why.png");
    }
    // The whole clip, for the "New person?" cards of the strangers in it.
    step("playing the whole of " + liveSource);
    window.liveTab()->startSource(liveSource);
    pump(180000, [&] { return !window.liveTab()->isRunning(); });
    pump(500, [] { return false; });
    failed += !grabTab(window, 0, folder + "/live-visitors.png");
  }

  // The people and their photos are read on a worker: wait for both.
  pump(10000, [&] { return !window.galleryTab()->reading(); });
  auto* people = window.galleryTab()->findChild<QListWidget*>();
  if (people && people->count() > 0) people->setCurrentRow(0);
  pump(10000, [&] { return !window.galleryTab()->reading(); });
  failed += !grabTab(window, 1, folder + "/gallery.png");
  step("checking the gallery's health");
  window.galleryTab()->checkHealth();
  pump(60000, [&] { return !window.galleryTab()->checkingHealth(); });
  if (!window.galleryTab()->healthMontage().isNull()) {
    failed += !save(window.galleryTab()->healthMontage(), folder + "/health-pairs.png");
  }
  pump(10000, [&] { return !window.modelsHub()->scanning(); });
  if (!enrolSource.isEmpty()) {
    window.tabs()->setCurrentIndex(1);
    ui::EnrolFromCameraDialog* enrol = window.galleryTab()->openEnrolFromCamera();
    enrol->resize(1000, 560);
    enrol->start(enrolSource);
    pump(120000, [&] { return !enrol->running(); });
    enrol->nameEdit()->setText("Colin Powell");
    pump(300, [] { return false; });
    failed += !save(enrol->grab().toImage(), folder + "/enrol-from-camera.png");
    enrol->close();
  }
  failed += !grabTab(window, 2, folder + "/training.png");
  ui::AdaptDialog* adapt = window.openAdaptDialog();
  if (!adaptImpostors.isEmpty()) {
    adapt->impostorsEdit()->setText(adaptImpostors);
    adapt->epochs()->setValue(4);
    adapt->start();
    pump(600000, [&] { return !adapt->busy(); });
  }
  pump(300, [] { return false; });
  failed += !save(adapt->grab().toImage(), folder + "/adapt.png");
  adapt->close();
  failed += !grabTab(window, 3, folder + "/inspect.png");
  {
    ui::PreferencesDialog preferences(window.settings(), &window);  // shown, never accepted: nothing is stored
    preferences.show();
    pump(300, [] { return false; });
    failed += !save(preferences.grab().toImage(), folder + "/preferences.png");
    preferences.close();
  }
  if (!trainData.isEmpty()) failed += 3 - wizardScreenshots(window, folder, trainData);
  step("all taken; closing");
  return failed;
}

}  // namespace siamese::studio
