// The desktop app under QT_QPA_PLATFORM=offscreen: the main window opens
// with its tabs; the Gallery tab enrols a person from photos and shows why
// a photo without a face was refused; the Live tab plays a video file and
// shows named boxes; the Inspect tab shows a bundle and its curves; the
// screenshot command writes a picture of every tab.

#include <QApplication>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QThread>
#include <filesystem>

#include "GalleryTab.h"
#include "InspectTab.h"
#include "JobRunner.h"
#include "LiveTab.h"
#include "MainWindow.h"
#include "common/AtomicFile.h"
#include "gallery/Enrolment.h"
#include "live/SyntheticScene.h"
#include "live/VideoFileWriter.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using test::contains;

// Runs the event loop until `done` or `ms` pass; returns done().
template <typename Done>
bool waitFor(Done done, int ms) {
  QElapsedTimer timer;
  timer.start();
  while (!done() && timer.elapsed() < ms) {
    QApplication::processEvents(QEventLoop::AllEvents, 50);
    QThread::msleep(5);
  }
  return done();
}

// A two-second video of Abdullah Gul walking across a background.
std::string writeGulVideo(const test::ScratchDir& dir) {
  SceneActor gul{loadImage(test::lfwPhoto("Abdullah_Gul", 1)), "Abdullah Gul", 200, 220, 420, 260, 220, 0, 59};
  const SyntheticScene scene(640, 480, {gul});
  const std::string path = dir.file("gul.avi");
  VideoFileWriter writer(path, 30);
  for (int f = 0; f < 60; ++f) writer.write(scene.render(f));
  writer.close();
  return path;
}

class Gui : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(test::defaultModel())) GTEST_SKIP() << "no " << test::defaultModel();
    SIAMESE_REQUIRE_DATA("lfw/images");
    m_window = std::make_unique<ui::MainWindow>();
    m_window->useModel(QString::fromStdString(test::defaultModel()));
    m_window->useGallery(QString::fromStdString(m_dir.file("gallery.db")));
  }

  test::ScratchDir m_dir;
  std::unique_ptr<ui::MainWindow> m_window;
};

TEST_F(Gui, MainWindowOpensWithItsTabsAndTheModel) {
  m_window->show();
  ASSERT_EQ(m_window->tabs()->count(), 3);
  EXPECT_EQ(m_window->tabs()->tabText(0), "&Live");
  EXPECT_EQ(m_window->tabs()->tabText(1), "&Gallery");
  EXPECT_EQ(m_window->tabs()->tabText(2), "&Inspect");
  const std::string modelId = readBundle(test::defaultModel()).metadata.modelId;
  EXPECT_TRUE(m_window->statusText().contains(QString::fromStdString(modelId))) << m_window->statusText().toStdString();
}

TEST_F(Gui, GalleryTabEnrolsAPersonAndShowsARefusedPhoto) {
  const std::string noFace = m_dir.file("wall.png");
  saveImage(noFace, Image(200, 200, 3));
  ui::GalleryTab* gallery = m_window->galleryTab();
  gallery->enrolPhotos("Abdullah Gul", {QString::fromStdString(test::lfwPhoto("Abdullah_Gul", 1)),
                                        QString::fromStdString(noFace)});
  ASSERT_TRUE(waitFor([&] { return !gallery->jobs()->busy(); }, 60000));
  EXPECT_TRUE(gallery->peopleShown().contains("Abdullah Gul (1 photo)")) << gallery->peopleShown().join("; ").toStdString();
  const QStringList report = gallery->reportLines();
  ASSERT_EQ(report.size(), 2) << report.join("; ").toStdString();
  EXPECT_TRUE(report[0].startsWith(QString::fromUtf8("✓"))) << report[0].toStdString();
  EXPECT_TRUE(report[1].startsWith(QString::fromUtf8("✗"))) << report[1].toStdString();
  EXPECT_TRUE(report[1].contains("wall.png") && report[1].contains("no face")) << report[1].toStdString();
}

TEST_F(Gui, LiveTabNamesAnEnrolledPersonInAVideoFile) {
  {
    GalleryStore store(m_dir.file("gallery.db"));
    auto embedder = Embedder::load(test::defaultModel(), DevicePreference::Cpu);
    Enroller enroller(store, *embedder);
    ASSERT_TRUE(enroller.enrolFile(store.addPerson("Abdullah Gul"), test::lfwPhoto("Abdullah_Gul", 1)).added());
  }
  const std::string video = writeGulVideo(m_dir);
  ui::LiveTab* live = m_window->liveTab();
  live->startSource(QString::fromStdString(video));
  EXPECT_TRUE(waitFor([&] { return live->shownNames().contains("Abdullah Gul"); }, 60000))
      << "shown: " << live->shownNames().join(", ").toStdString();
  EXPECT_TRUE(live->saveSnapshot(QString::fromStdString(m_dir.file("snapshot.png"))));
  EXPECT_GT(loadImage(m_dir.file("snapshot.png")).width(), 0);
  EXPECT_TRUE(waitFor([&] { return !live->isRunning(); }, 60000)) << "the video should end by itself";
}

TEST_F(Gui, InspectTabShowsTheBundleAndItsCurves) {
  ui::InspectTab* inspect = m_window->inspectTab();
  ASSERT_TRUE(inspect->openBundle(QString::fromStdString(test::defaultModel())));
  const std::string modelId = readBundle(test::defaultModel()).metadata.modelId;
  EXPECT_TRUE(inspect->metadataText().contains(QString::fromStdString(modelId)));
  // One point per epoch of the history saved beside the bundle.
  const std::string history = readTextFile(test::defaultModel() + ".history.csv");
  const int epochs = int(std::count(history.begin(), history.end(), '\n')) - 1;
  EXPECT_EQ(inspect->lossPoints(), epochs);
  ASSERT_TRUE(inspect->exportCharts(QString::fromStdString(m_dir.path())));
  EXPECT_GT(loadImage(m_dir.file("loss.png")).width(), 100);

  test::writeText(m_dir.file("broken.siamese"), "not a model");
  EXPECT_FALSE(inspect->openBundle(QString::fromStdString(m_dir.file("broken.siamese"))));
  EXPECT_TRUE(inspect->metadataText().contains("Cannot open this model"));
}

TEST(StudioCommand, ScreenshotsOfEveryTab) {
  if (!std::filesystem::exists(test::defaultModel())) GTEST_SKIP() << "no " << test::defaultModel();
  SIAMESE_REQUIRE_DATA("lfw/images");
  test::ScratchDir dir;
  const std::string video = writeGulVideo(dir);
  std::string output;
  const int code = test::runCommand("QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME=" + dir.path() + " " + SIAMESE_STUDIO_PATH +
                                        " --screenshots " + dir.file("shots") + " --gallery " + dir.file("g.db") +
                                        " --model " + test::defaultModel() + " --live-source " + video,
                                    output);
  ASSERT_EQ(code, 0) << output;
  for (const char* name : {"live.png", "gallery.png", "inspect.png"}) {
    EXPECT_GE(loadImage(dir.file(std::string("shots/") + name)).width(), 1000) << name;
  }
  std::string version;
  ASSERT_EQ(test::runCommand(std::string(SIAMESE_STUDIO_PATH) + " --version", version), 0);
  EXPECT_TRUE(contains(version, "siamese-studio ")) << version;
}

}  // namespace
}  // namespace siamese

int main(int argc, char** argv) {
  // No display in CI: Qt's offscreen platform renders into memory. Settings
  // go to a scratch folder so tests never touch the user's.
  qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
  const siamese::test::ScratchDir settings;
  qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString(settings.path()));
  QApplication app(argc, argv);
  QApplication::setOrganizationName("SiameseStudioTest");
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
