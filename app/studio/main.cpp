// siamese-studio: the desktop app. `--version` prints the version;
// `--screenshots <folder> [--live-source <video>] [--train-data <folder>]`
// saves a picture of each tab (and of the training wizard) and exits (for the README and for checking the GUI by eye).

#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>

#include "MainWindow.h"
#include "Screenshots.h"
#include "common/Version.h"

int main(int argc, char** argv) {
  // --version must work without a display (installed-package checks).
  for (int i = 1; i < argc; ++i) {
    if (QByteArray(argv[i]) == "--version") {
      std::printf("siamese-studio %s\n", siamese::kVersion);
      return 0;
    }
  }
  QApplication app(argc, argv);
  QApplication::setOrganizationName("SiameseStudio");
  QApplication::setApplicationName("siamese-studio");
  QApplication::setApplicationVersion(siamese::kVersion);
  QApplication::setWindowIcon(QIcon::fromTheme("siamese-studio"));

  QCommandLineParser parser;
  parser.setApplicationDescription("Face identification with siamese networks");
  parser.addHelpOption();
  parser.addOption({"version", "Print the version and exit."});
  parser.addOption({"screenshots", "Save a screenshot of each tab into <folder> and exit.", "folder"});
  parser.addOption({"live-source", "With --screenshots: play this source in the Live tab first.", "source"});
  parser.addOption({"train-data", "With --screenshots: run the training wizard on this small data set too.", "folder"});
  parser.addOption({"adapt-impostors", "With --screenshots: adapt the model to the gallery with these impostor faces.", "cache"});
  parser.addOption({"enrol-source", "With --screenshots: run guided enrolment on this source (a folder of photos of one person).", "source"});
  parser.addOption({"gallery", "Use this gallery database.", "file"});
  parser.addOption({"model", "Use this model bundle.", "file"});
  parser.process(app);

  siamese::ui::MainWindow window;
  if (parser.isSet("model")) window.useModel(parser.value("model"));
  if (parser.isSet("gallery")) window.useGallery(parser.value("gallery"));
  if (parser.isSet("screenshots")) {
    const int failed = siamese::studio::takeScreenshots(window, parser.value("screenshots"), parser.value("live-source"),
                                                        parser.value("train-data"), parser.value("adapt-impostors"),
                                                        parser.value("enrol-source"));
    std::printf("screenshots written to %s%s\n", qPrintable(parser.value("screenshots")),
                failed ? qPrintable(QString(" (%1 could not be written)").arg(failed)) : "");
    return failed == 0 ? 0 : 1;
  }
  window.show();
  return app.exec();
}
