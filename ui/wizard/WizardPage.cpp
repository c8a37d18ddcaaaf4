#include "WizardPage.h"

#include <QAbstractButton>
#include <QLabel>
#include <QPixmap>
#include <QWizard>

#include "ImageConversion.h"

namespace siamese::ui {

void showImage(QLabel* label, const Image& image, int maxWidth) {
  QPixmap pixmap = QPixmap::fromImage(toQImage(image));
  if (pixmap.width() > maxWidth) pixmap = pixmap.scaledToWidth(maxWidth, Qt::SmoothTransformation);
  label->setPixmap(pixmap);
}

void holdBackButton(QWizardPage* page, bool hold) {
  for (QWidget* w = page->parentWidget(); w; w = w->parentWidget()) {
    if (auto* wizard = qobject_cast<QWizard*>(w)) {
      if (QAbstractButton* back = wizard->button(QWizard::BackButton)) back->setEnabled(!hold);
      return;
    }
  }
}

}  // namespace siamese::ui
