#pragma once
// Shows the live picture scaled to fit (aspect kept) and tells which
// picture pixel was clicked, so a click on a face can enrol it.

#include <QImage>
#include <QPointF>
#include <QWidget>

namespace siamese::ui {

class LiveView : public QWidget {
  Q_OBJECT

 public:
  explicit LiveView(QWidget* parent = nullptr);
  void setImage(const QImage& image);
  const QImage& image() const { return m_image; }
  void setPlaceholder(const QString& text);

 signals:
  /// A click, in the picture's pixel coordinates.
  void clicked(QPointF imagePosition);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  QRectF targetRect() const;
  QImage m_image;
  QString m_placeholder;
};

}  // namespace siamese::ui
