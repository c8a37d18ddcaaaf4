#pragma once
// Helpers shared by the test suites: where the shared data lives, scratch
// folders, and generated inputs (good and bad).

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/Error.h"
#include "common/Image.h"
#include "data/FaceCache.h"

namespace siamese {
struct BundleMetadata;
}

namespace siamese::test {

/// The shared data folder (../shared/data beside the source tree, or
/// $SIAMESE_DATA).
std::string dataDir();

/// Path under the data folder, e.g. data("lfw/images").
std::string data(const std::string& relative);

/// An LFW photo: lfw/images/<Person>/<Person>_<NNNN>.jpg under the data folder.
std::string lfwPhoto(const std::string& person, int number);

/// True when the path exists; tests call GTEST_SKIP() otherwise.
bool haveData(const std::string& relative);

/// Skips the current test, with a reason, when shared data is missing.
#define SIAMESE_REQUIRE_DATA(relative)                                                \
  do {                                                                                \
    if (!::siamese::test::haveData(relative)) {                                       \
      GTEST_SKIP() << "shared data not found: " << ::siamese::test::data(relative);   \
    }                                                                                 \
  } while (0)

/// Skips the current test when the face tower was not imported (no face-api
/// package: scripts/setup.sh fetches it with npm).
#define SIAMESE_REQUIRE_FACE_TOWER()                                                  \
  do {                                                                                \
    if (!std::filesystem::exists(::siamese::test::faceTower())) {                     \
      GTEST_SKIP() << "no face tower at " << ::siamese::test::faceTower()             \
                   << " (scripts/setup.sh fetches the face-api package)";            \
    }                                                                                 \
  } while (0)

/// A fresh empty folder, removed when the object goes away.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return m_path; }
  /// path() + "/" + name
  std::string file(const std::string& name) const;

 private:
  std::string m_path;
};

void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes);
void writeText(const std::string& path, const std::string& text);
std::vector<std::uint8_t> readBytes(const std::string& path);

/// One photo of a made-up face cache.
struct MadeUpFace {
  std::string person;
  std::string source;
};
/// `photosEach` photos of each of `people`, their sources "<person>/<n>" (n from 0).
std::vector<MadeUpFace> photosOf(const std::vector<std::string>& people, int photosEach);
/// Writes a face cache at `path` whose crops are flat (every pixel `grey`,
/// settings.cropSize square, settings.channels deep): for tests of what is
/// done with a cache's people and photos, not with its faces. Loading
/// sorts the faces by person, then source.
void writeFlatFaceCache(const std::string& path, const CacheSettings& settings, const std::vector<MadeUpFace>& faces,
                        std::uint8_t grey = 128);

/// Writes a face cache at `path` of `count` LFW photos (whole, 250 px
/// colour) of people `model` trained on, in the order its card lists them:
/// photos a model may be calibrated on, never scored on.
std::string writeLfwCacheOfPeopleTrainedOn(const BundleMetadata& model, std::size_t count, const std::string& path);

/// Encodes an image (".png", ".jpg", ...) with OpenCV.
std::vector<std::uint8_t> encode(const Image& image, const std::string& extension);

/// Mean absolute difference between two images of the same size and
/// channel count (0..255).
double meanAbsDifference(const Image& a, const Image& b);

/// A JPEG with an EXIF APP1 segment carrying `orientation` (1..8) inserted
/// after the SOI marker.
std::vector<std::uint8_t> withExifOrientation(const std::vector<std::uint8_t>& jpeg, int orientation);

/// A PNG file that is only a header announcing width×height (no pixels).
std::vector<std::uint8_t> pngHeaderOnly(std::uint32_t width, std::uint32_t height);

/// Photos placed side by side in one image (all resized to the first one's height).
Image sideBySide(const std::vector<Image>& photos);

/// True when `part` occurs in `text`.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The message of the siamese::Error that `f` throws; records a test
/// failure and returns "" when it throws nothing.
template <typename F>
std::string errorMessage(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a siamese::Error";
  return {};
}

/// Runs a shell command, returning its exit code and capturing
/// stdout+stderr into `output`.
int runCommand(const std::string& command, std::string& output);

/// The built `siamese` CLI.
std::string cliPath();

/// Runs the CLI with `arguments`; records a test failure when its exit code
/// is not `expectedExit`. Returns stdout+stderr.
std::string runCli(const std::string& arguments, int expectedExit = 0);

/// Euclidean distance between two vectors of one size.
double euclideanDistance(const std::vector<float>& a, const std::vector<float>& b);

/// Writes <dir>/gul.avi: Abdullah Gul (LFW photo 1) walking across a
/// generated room for `frames` frames at 30 frames/s. Returns its path.
std::string writeGulVideo(const ScratchDir& dir, int frames = 60);

/// A video (visitors.avi, 320 frames at 30/s) in which Tony Blair and Serena
/// Williams, never enrolled, each appear twice (a different LFW photo each
/// time), with Colin Powell (photos 2 and 5) between them; 1.5 s each.
std::string writeVisitorsVideo(const ScratchDir& dir);

/// The shipped default model bundle (models/default.siamese).
std::string defaultModel();

/// The face tower bundle that the ctest fixture `import_face_tower` makes
/// (in the build folder) from the face-api package scripts/setup.sh fetched.
std::string faceTower();
/// The unpacked face-api package (as scripts/fetch-face-tower.sh leaves it).
std::string faceApiPackageDir();

}  // namespace siamese::test
