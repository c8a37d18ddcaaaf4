#pragma once
// Between the engine's Image (BGR or grey, 8 bit) and Qt's QImage.

#include <QImage>

#include "common/Image.h"

namespace siamese::ui {

/// A deep copy as QImage (RGB888 or Grayscale8): safe to hand to another thread.
QImage toQImage(const Image& image);

/// A deep copy as a BGR Image.
Image fromQImage(const QImage& image);

/// Saves a picture the user asked for (a snapshot, a chart) readable by its
/// owner only, like every file the engine writes: faces are biometric data.
bool saveOwnerOnly(const QImage& image, const QString& path);

}  // namespace siamese::ui
