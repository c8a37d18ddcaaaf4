#pragma once
// `siamese-studio --screenshots <folder>`: shows each tab in a realistic
// state and saves it as PNG (works under the offscreen platform or Xvfb).

#include <QString>

namespace siamese::ui {
class MainWindow;
}

namespace siamese::studio {

/// Grabs live.png (after playing `liveSource` for a few seconds, when
/// given), gallery.png, training.png and inspect.png into `folder`, and
/// with `trainData` (a small data-set folder) the training wizard's
/// training and evaluation pages, and adapt.png: the "adapt to my people"
/// dialog, after adapting the active model to the gallery with
/// `adaptImpostors` (a face cache of other people in its crops) when given.
/// Returns the number of files written.
int takeScreenshots(ui::MainWindow& window, const QString& folder, const QString& liveSource, const QString& trainData,
                    const QString& adaptImpostors = {});

}  // namespace siamese::studio
