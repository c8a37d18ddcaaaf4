#pragma once
// The app's remembered choices (QSettings): model, gallery, live source,
// detector, detection interval and threshold override. Empty model or
// gallery paths mean "the default".

#include <QString>
#include <optional>
#include <string>

class QWidget;

namespace siamese::ui {

struct StudioSettings {
  QString modelPath;       ///< empty: the shipped default model
  QString galleryPath;     ///< empty: ~/.local/share/siamese-studio/gallery.db
  QString liveSource;      ///< camera index/device, file, URL or folder
  QString detector = "hog";
  int detectEvery = 3;
  std::optional<double> threshold;  ///< none: the gallery's calibrated one, else the model's

  static StudioSettings load();
  void save() const;

  /// The paths actually used (defaults resolved). throws Error when there
  /// is no default model.
  std::string resolvedModelPath() const;
  std::string resolvedGalleryPath() const;

  struct Paths {
    std::string model;
    std::string gallery;
  };
  /// Both resolved paths, or nullopt after telling the user why (a warning
  /// titled `title` over `parent`).
  std::optional<Paths> resolvedPathsOrWarn(QWidget* parent, const QString& title) const;
};

}  // namespace siamese::ui
