#include "Screenshots.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QListWidget>
#include <QTabWidget>
#include <QThread>

#include "GalleryTab.h"
#include "LiveTab.h"
#include "MainWindow.h"

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

bool grabTab(ui::MainWindow& window, int tab, const QString& file) {
  window.tabs()->setCurrentIndex(tab);
  pump(300, [] { return false; });
  return window.grab().save(file);
}

}  // namespace

int takeScreenshots(ui::MainWindow& window, const QString& folder, const QString& liveSource) {
  QDir().mkpath(folder);
  window.resize(1280, 800);
  window.show();
  int written = 0;
  if (!liveSource.isEmpty()) {
    window.tabs()->setCurrentIndex(0);
    window.liveTab()->startSource(liveSource);
    // Until a moment when two faces are in view and both names have won
    // their votes; then stop, so the picture stays on that frame.
    QElapsedTimer timer;
    timer.start();
    pump(30000, [&] {
      const QStringList names = window.liveTab()->shownNames();
      return timer.elapsed() > 2000 && names.size() >= 2 && !names.contains("?");
    });
    window.liveTab()->stopLive();
    pump(5000, [&] { return !window.liveTab()->isRunning(); });
  }
  written += grabTab(window, 0, folder + "/live.png");

  auto* people = window.galleryTab()->findChild<QListWidget*>();
  if (people && people->count() > 0) people->setCurrentRow(0);
  written += grabTab(window, 1, folder + "/gallery.png");
  written += grabTab(window, 2, folder + "/inspect.png");
  return written;
}

}  // namespace siamese::studio
