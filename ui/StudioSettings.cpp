#include "StudioSettings.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>

#include "common/DefaultPaths.h"
#include "common/Error.h"

namespace siamese::ui {

StudioSettings StudioSettings::load() {
  QSettings stored;
  StudioSettings s;
  s.modelPath = stored.value("model").toString();
  s.galleryPath = stored.value("gallery").toString();
  s.liveSource = stored.value("live/source").toString();
  s.detector = stored.value("live/detector", s.detector).toString();
  s.detectEvery = stored.value("live/detectEvery", s.detectEvery).toInt();
  const QVariant threshold = stored.value("threshold");
  if (threshold.isValid() && !threshold.toString().isEmpty()) s.threshold = threshold.toDouble();
  return s;
}

void StudioSettings::save() const {
  QSettings stored;
  stored.setValue("model", modelPath);
  stored.setValue("gallery", galleryPath);
  stored.setValue("live/source", liveSource);
  stored.setValue("live/detector", detector);
  stored.setValue("live/detectEvery", detectEvery);
  stored.setValue("threshold", threshold ? QVariant(*threshold) : QVariant(QString()));
}

std::string StudioSettings::resolvedModelPath() const {
  return modelPath.isEmpty() ? defaultModelPath() : modelPath.toStdString();
}

std::string StudioSettings::resolvedGalleryPath() const {
  const std::string path = galleryPathOrDefault(galleryPath.toStdString());
  QDir().mkpath(QFileInfo(QString::fromStdString(path)).absolutePath());  // first start: the folder may not exist
  return path;
}

std::optional<StudioSettings::Paths> StudioSettings::resolvedPathsOrWarn(QWidget* parent, const QString& title) const {
  try {
    return Paths{resolvedModelPath(), resolvedGalleryPath()};
  } catch (const Error& e) {
    QMessageBox::warning(parent, title, QString::fromUtf8(e.what()));
    return std::nullopt;
  }
}

}  // namespace siamese::ui
