#include "ImageConversion.h"

#include <QFile>

#include <cstring>

namespace siamese::ui {

QImage toQImage(const Image& image) {
  if (image.empty()) return {};
  if (image.channels() == 1) {
    QImage out(image.width(), image.height(), QImage::Format_Grayscale8);
    for (int y = 0; y < image.height(); ++y) std::memcpy(out.scanLine(y), image.row(y), std::size_t(image.width()));
    return out;
  }
  QImage out(image.width(), image.height(), QImage::Format_RGB888);
  for (int y = 0; y < image.height(); ++y) {
    const std::uint8_t* in = image.row(y);
    uchar* line = out.scanLine(y);
    for (int x = 0; x < image.width(); ++x) {  // BGR → RGB
      line[3 * x] = in[3 * x + 2];
      line[3 * x + 1] = in[3 * x + 1];
      line[3 * x + 2] = in[3 * x];
    }
  }
  return out;
}

Image fromQImage(const QImage& source) {
  const QImage rgb = source.convertToFormat(QImage::Format_RGB888);
  Image out(rgb.width(), rgb.height(), 3);
  for (int y = 0; y < rgb.height(); ++y) {
    const uchar* in = rgb.constScanLine(y);
    std::uint8_t* line = out.row(y);
    for (int x = 0; x < rgb.width(); ++x) {
      line[3 * x] = in[3 * x + 2];
      line[3 * x + 1] = in[3 * x + 1];
      line[3 * x + 2] = in[3 * x];
    }
  }
  return out;
}

bool saveOwnerOnly(const QImage& image, const QString& path) {
  if (image.isNull() || !image.save(path)) return false;
  return QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

}  // namespace siamese::ui
