#include "StudioSettings.h"

#include <QSettings>

namespace siamese::ui {

StudioSettings StudioSettings::load() {
  QSettings stored;
  StudioSettings s;
  s.modelPath = stored.value("model").toString();
  s.galleryPath = stored.value("gallery").toString();
  s.liveSource = stored.value("live/source").toString();
  s.detector = stored.value("live/detector", s.detector).toString();
  s.detectEvery = stored.value("live/detectEvery", s.detectEvery).toInt();
  s.detectInBackground = stored.value("live/detectInBackground", s.detectInBackground).toBool();
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
  stored.setValue("live/detectInBackground", detectInBackground);
  stored.setValue("threshold", threshold ? QVariant(*threshold) : QVariant(QString()));
}

}  // namespace siamese::ui
