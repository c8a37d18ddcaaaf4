#pragma once
// The app's remembered choices (QSettings): model, gallery, live source,
// detector, detection interval and threshold override. Empty model or
// gallery paths mean "the default"; the engine's Session resolves them.

#include <QString>
#include <optional>

namespace siamese::ui {

struct StudioSettings {
  QString modelPath;       ///< empty: the shipped default model
  QString galleryPath;     ///< empty: ~/.local/share/siamese-studio/gallery.db
  QString liveSource;      ///< camera index/device, file, URL or folder
  QString detector = "hog";
  int detectEvery = 3;
  bool detectInBackground = true;  ///< on a second core, where there is one
  std::optional<double> threshold;  ///< none: the gallery's calibrated one, else the model's

  static StudioSettings load();
  void save() const;

};

}  // namespace siamese::ui
