#pragma once
// What every page of the training wizard shares: the state the pages hand
// on, and two helpers. Each page (DataPage.h … DeployPage.h) drives one
// stage of the engine with sensible defaults and a preview; long stages run
// on a worker thread with their own progress bar and Cancel.

#include <QWizardPage>
#include <memory>

#include "WizardState.h"
#include "common/Image.h"
#include "eval/Metrics.h"

class QLabel;

namespace siamese::ui {

using SharedState = std::shared_ptr<WizardState>;

/// A picture that keeps its aspect ratio inside a label.
void showImage(QLabel* label, const Image& image, int maxWidth);

/// While a page's job runs, Back stays disabled: going back would change
/// the data the job is working on.
void holdBackButton(QWizardPage* page, bool hold);

}  // namespace siamese::ui
