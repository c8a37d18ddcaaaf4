#pragma once
// Where the programs look for their model and gallery when none is named.
// In core, so the CLI, the desktop app and the benchmarks find the same
// files without any of them reaching into another.

#include <string>

namespace siamese {

/// The model used when none is named: $SIAMESE_MODEL, else the pretrained
/// face tower when it has been imported (faceTowerPath()), else our own
/// trained model (ownModelPath()). throws Error listing the folders
/// searched when none exists.
std::string defaultModelPath();

/// Our own trained model: share/siamese-studio/models/default.siamese beside
/// the program's own prefix (an installed package, wherever it was
/// unpacked), else models/default.siamese of the source tree (a developer
/// build), else the configured install prefix's copy. throws Error listing
/// the folders searched when none exists.
std::string ownModelPath();

/// Where `siamese import` puts the face tower: models/face-tower.siamese in
/// the user's data folder ($XDG_DATA_HOME or ~/.local/share)/siamese-studio.
std::string faceTowerPath();

/// Where scripts/setup.sh unpacks the face-api package (npm pack, checksum
/// checked): $XDG_CACHE_HOME or ~/.cache, /siamese-studio/face-api-<version>/package.
std::string faceApiPackageDir();

/// What to run to get the face tower, for messages.
std::string howToGetFaceTower();

/// The user's data folder for Siamese Studio ($XDG_DATA_HOME or ~/.local/share, /siamese-studio).
std::string userDataDir();

/// The gallery to use: `chosen` when given, else $SIAMESE_GALLERY, else
/// siamese-studio/gallery.db in the user's data folder ($XDG_DATA_HOME or
/// ~/.local/share).
std::string galleryPathOrDefault(const std::string& chosen = {});

}  // namespace siamese
