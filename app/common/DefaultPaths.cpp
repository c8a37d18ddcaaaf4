#include "DefaultPaths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "common/Error.h"

namespace fs = std::filesystem;

namespace siamese::app {

std::string defaultModelPath() {
  if (const char* env = std::getenv("SIAMESE_MODEL"); env && *env) return env;
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
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) {
    return std::string(data) + "/siamese-studio/gallery.db";
  }
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.local/share/siamese-studio/gallery.db";
}

}  // namespace siamese::app
