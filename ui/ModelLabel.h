#pragma once
// How the app names a model wherever it shows one (status bar, live view):
// "name (id) · DEVICE", or "id · DEVICE" for an unnamed model.

#include <QString>
#include <string>

#include "nn/ModelBundle.h"

namespace siamese::ui {

inline QString modelLabel(const BundleMetadata& meta, const std::string& device) {
  const std::string name = meta.name.empty() ? meta.modelId : meta.name + " (" + meta.modelId + ")";
  return QString::fromStdString(name) + " · " + QString::fromStdString(device).toUpper();
}

}  // namespace siamese::ui
