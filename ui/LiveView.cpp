#include "LiveView.h"

#include <QMouseEvent>
#include <QPainter>

namespace siamese::ui {

LiveView::LiveView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(320, 240);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setCursor(Qt::CrossCursor);
}

void LiveView::setImage(const QImage& image) {
  m_image = image;
  update();
}

void LiveView::setPlaceholder(const QString& text) {
  m_placeholder = text;
  m_image = QImage();
  update();
}

QRectF LiveView::targetRect() const {
  if (m_image.isNull()) return {};
  const QSizeF size = QSizeF(m_image.size()).scaled(QSizeF(this->size()), Qt::KeepAspectRatio);
  return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

void LiveView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), QColor(30, 30, 30));
  if (m_image.isNull()) {
    painter.setPen(QColor(200, 200, 200));
    painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    return;
  }
  painter.setRenderHint(QPainter::SmoothPixmapTransform);
  painter.drawImage(targetRect(), m_image);
}

void LiveView::mousePressEvent(QMouseEvent* event) {
  const QRectF target = targetRect();
  if (target.isEmpty() || !target.contains(event->position())) return;
  const double scale = m_image.width() / target.width();
  emit clicked((event->position() - target.topLeft()) * scale);
}

}  // namespace siamese::ui
