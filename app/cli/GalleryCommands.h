#pragma once
// The `siamese gallery` subcommands, one file per group: people (list,
// remove, rename), enrolment (add, add-folder, reembed), archives (export,
// import), the threshold, adaptation, the health check, corrections and guided capture. They share the gallery's --gallery/--model
// options, from which each makes the engine's Session.

#include <memory>
#include <string>

#include "session/Session.h"

namespace CLI {
class App;
}

namespace siamese::cli {

/// The options every `siamese gallery` subcommand has.
struct GalleryOptions {
  std::string gallery;  ///< empty: the default gallery
  std::string model;    ///< empty: the default model
  /// A session over them (LibTorch on every core: these are batch jobs).
  /// Only enrolment and import make a gallery that is not there.
  std::unique_ptr<Session> session(GalleryOpening opening = GalleryOpening::MustExist) const;
};
using SharedGalleryOptions = std::shared_ptr<const GalleryOptions>;

void addGalleryPeopleCommands(CLI::App& gallery, const SharedGalleryOptions& options);
void addGalleryEnrolCommands(CLI::App& gallery, const SharedGalleryOptions& options);
void addGalleryArchiveCommands(CLI::App& gallery, const SharedGalleryOptions& options);
void addGalleryThresholdCommand(CLI::App& gallery, const SharedGalleryOptions& options);
void addGalleryAdaptCommand(CLI::App& gallery, const SharedGalleryOptions& options);
void addGalleryCheckCommand(CLI::App& gallery, const SharedGalleryOptions& options);
void addGalleryCorrectionCommands(CLI::App& gallery, const SharedGalleryOptions& options);
void addGalleryCaptureCommand(CLI::App& gallery, const SharedGalleryOptions& options);

}  // namespace siamese::cli
