// The Debian package end to end: cpack builds the .deb from this build
// folder, its control fields name the libraries and data packages the
// programs need, and the programs unpacked from it into a scratch root run
// and find the model that came with them (not the source tree's copy).

#include <filesystem>
#include <string>
#include <vector>

#include "support/TestSupport.h"

namespace siamese {
namespace {

namespace fs = std::filesystem;
using test::contains;

// One argument for /bin/sh, whatever characters the path holds.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; records a failure showing its output when the exit
// code is not the expected one. Returns stdout+stderr.
std::string run(const std::string& command, int expectedExit = 0) {
  std::string output;
  const int exit = test::runCommand(command, output);
  EXPECT_EQ(exit, expectedExit) << "command: " << command << "\n" << output;
  return output;
}

// The one .deb under `folder`; records a failure when there is not exactly one.
fs::path onlyDeb(const fs::path& folder) {
  std::vector<fs::path> debs;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() == ".deb") debs.push_back(entry.path());
  }
  EXPECT_EQ(debs.size(), 1u) << "expected one .deb in " << folder;
  return debs.empty() ? fs::path() : debs.front();
}

TEST(PackageTest, DebInstallsIntoAScratchRootAndRuns) {
  test::ScratchDir dir;

  // Built into the scratch folder (-B), so a developer's own packages in the
  // build folder are left alone.
  const std::string packed = run(std::string(SIAMESE_CPACK_COMMAND) + " --config " + quoted(SIAMESE_CPACK_CONFIG) +
                                 " -G DEB -B " + quoted(dir.file("out")));
  const fs::path deb = onlyDeb(dir.file("out"));
  ASSERT_FALSE(deb.empty()) << packed;
  EXPECT_EQ(deb.filename().string().rfind("siamese-studio_" SIAMESE_PROJECT_VERSION "_", 0), 0u) << deb;

  // Control fields. Library package names carry sonames that change between
  // Debian releases, so only their stems are checked.
  const std::string fields = run("dpkg-deb --field " + quoted(deb.string()) + " Package Version Section Maintainer");
  EXPECT_TRUE(contains(fields, "Package: siamese-studio\n")) << fields;
  EXPECT_TRUE(contains(fields, "Version: " SIAMESE_PROJECT_VERSION "\n")) << fields;
  EXPECT_TRUE(contains(fields, "Section: science\n")) << fields;
  EXPECT_TRUE(contains(fields, "Maintainer: Siamese Studio team\n")) << fields;
  const std::string depends = run("dpkg-deb --field " + quoted(deb.string()) + " Depends");
  std::vector<std::string> needed = {"libdlib-data", "opencv-data", "libtorch", "libopencv-core", "libopencv-videoio",
                                     "libdlib1", "libsqlite3-", "libgif", "libgomp1", "libblas", "liblapack", "libc6"};
  if (SIAMESE_PACKAGE_HAS_STUDIO) {
    needed.insert(needed.end(), {"libqt6core6", "libqt6widgets6", "qt6-qpa-plugins"});
  }
  for (const std::string& package : needed) {
    EXPECT_TRUE(contains(depends, package)) << package << " missing from: " << depends;
  }

  const fs::path root = dir.file("root");
  run("dpkg -x " + quoted(deb.string()) + " " + quoted(root.string()));

  // Everything lands under /usr: nothing under /usr/local or the build machine's paths.
  for (const auto& entry : fs::directory_iterator(root)) {
    EXPECT_EQ(entry.path().filename(), "usr") << "unexpected top-level path in the package: " << entry.path();
  }
  EXPECT_FALSE(fs::exists(root / "usr/local"));
  const fs::path usr = root / "usr";
  const fs::path model = usr / "share/siamese-studio/models/default.siamese";
  for (const fs::path& file : {usr / "bin/siamese", model, usr / "share/siamese-studio/models/MODEL_CARD.md",
                               usr / "share/doc/siamese-studio/copyright", usr / "share/doc/siamese-studio/README.md"}) {
    EXPECT_TRUE(fs::is_regular_file(file)) << "not in the package: " << file;
  }
  ASSERT_TRUE(fs::is_regular_file(model));
  EXPECT_EQ(fs::file_size(model), fs::file_size(test::defaultModel()));
  // Stripped: the release build's debug information stays out of the package.
  EXPECT_LT(fs::file_size(usr / "bin/siamese"), fs::file_size(test::cliPath()));

  // Run with the system's libraries, as an installed copy would be.
  const std::string siamese = quoted((usr / "bin/siamese").string());
  EXPECT_TRUE(contains(run(siamese + " --version"), "siamese " SIAMESE_PROJECT_VERSION));

  if (SIAMESE_PACKAGE_HAS_STUDIO) {
    for (const fs::path& file : {usr / "bin/siamese-studio", usr / "share/applications/siamese-studio.desktop",
                                 usr / "share/icons/hicolor/scalable/apps/siamese-studio.svg",
                                 usr / "share/icons/hicolor/256x256/apps/siamese-studio.png"}) {
      EXPECT_TRUE(fs::is_regular_file(file)) << "not in the package: " << file;
    }
    // No display here: Qt's offscreen platform stands in for one.
    const std::string studio = run("QT_QPA_PLATFORM=offscreen " + quoted((usr / "bin/siamese-studio").string()) +
                                   " --version");
    EXPECT_TRUE(contains(studio, SIAMESE_PROJECT_VERSION)) << studio;
  }

  // The installed program uses the installed model when none is named and
  // no face tower was imported (a fresh user data folder), and the tower
  // once `siamese import` has put it there.
  if (!test::haveData("lfw/images/Abdullah_Gul")) {
    GTEST_SKIP() << "shared data not found: " << test::data("lfw/images/Abdullah_Gul")
                 << " (the package was built, unpacked and run; the model check needs two LFW photos)";
  }
  const std::string photos =
      " " + quoted(test::lfwPhoto("Abdullah_Gul", 13)) + " " + quoted(test::lfwPhoto("Abdullah_Gul", 14));
  const std::string userData = dir.file("user-data");
  const std::string env = "env -u SIAMESE_MODEL XDG_DATA_HOME=" + quoted(userData) + " ";
  const std::string compared = run(env + siamese + " compare" + photos);
  EXPECT_TRUE(contains(compared, "SAME person")) << compared;
  EXPECT_TRUE(contains(compared, "best-accuracy")) << "our own model's threshold: " << compared;
  if (fs::exists(test::faceTower())) {
    fs::create_directories(userData + "/siamese-studio/models");
    fs::copy_file(test::faceTower(), userData + "/siamese-studio/models/face-tower.siamese");
    const std::string withTower = run(env + siamese + " compare" + photos);
    EXPECT_TRUE(contains(withTower, "threshold 0.6000 (manual)")) << "the tower's threshold: " << withTower;
    fs::remove_all(userData);
  }

  // On this machine the source tree's model exists too; spoiling the
  // installed copy shows which one the installed program reads.
  test::writeText(model.string(), "not a model");
  const std::string refused = run(env + siamese + " compare" + photos, 1);
  // The program names the file by its real path (it finds it from /proc/self/exe).
  EXPECT_TRUE(contains(refused, fs::canonical(model).string())) << refused;
  EXPECT_TRUE(contains(refused, "not a Siamese Studio model bundle")) << refused;
}

}  // namespace
}  // namespace siamese
