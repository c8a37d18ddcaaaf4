#include "common/DefaultPaths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "common/Error.h"
#include "common/FaceApiPackage.h"

namespace fs = std::filesystem;

namespace siamese {

namespace {

std::string baseDir(const char* variable, const char* fallbackUnderHome) {
  if (const char* dir = std::getenv(variable); dir && *dir) return dir;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/" + fallbackUnderHome;
}

}  // namespace

std::string userDataDir() { return baseDir("XDG_DATA_HOME", ".local/share") + "/siamese-studio"; }

std::string faceTowerPath() { return userDataDir() + "/models/face-tower.siamese"; }

std::string faceApiPackageDir() {
  return baseDir("XDG_CACHE_HOME", ".cache") + "/siamese-studio/face-api-" + FaceApiPackage::kVersion + "/package";
}

std::string howToGetFaceTower() {
  return "run scripts/setup.sh (it fetches " + std::string(FaceApiPackage::kName) + " " + FaceApiPackage::kVersion +
         " with npm pack), or unpack that package yourself and run `siamese import --manifest "
         "<package>/model/face_recognition_model-weights_manifest.json`";
}

std::string defaultModelPath() {
  if (const char* env = std::getenv("SIAMESE_MODEL"); env && *env) return env;
  std::error_code error;
  if (const std::string tower = faceTowerPath(); fs::exists(tower, error)) return tower;
  return ownModelPath();
}

std::string ownModelPath() {
  // The copy installed beside the program comes first: <prefix>/bin/siamese
  // finds <prefix>/share/siamese-studio/models whatever the prefix was (the
  // .deb's /usr, `cmake --install` to /usr/local, a package unpacked into a
  // scratch folder), so an installed program never reads a build machine's
  // source tree. A build-tree binary has no such folder and falls through.
  std::vector<std::string> dirs;
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) dirs.push_back((exe.parent_path() / "../share/siamese-studio/models").lexically_normal().string());
  dirs.push_back(SIAMESE_SOURCE_MODELS_DIR);
  dirs.push_back(SIAMESE_INSTALLED_MODELS_DIR);
  std::string searched;
  for (const std::string& dir : dirs) {
    const std::string path = dir + "/default.siamese";
    if (fs::exists(path, error)) return path;
    searched += (searched.empty() ? "" : ", ") + dir;
  }
  throw Error("no model given and no default model (default.siamese) in " + searched + "; pass --model");
}

std::string galleryPathOrDefault(const std::string& chosen) {
  if (!chosen.empty()) return chosen;
  if (const char* env = std::getenv("SIAMESE_GALLERY"); env && *env) return env;
  return userDataDir() + "/gallery.db";
}

}  // namespace siamese
