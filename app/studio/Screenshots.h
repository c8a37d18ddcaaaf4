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
/// Also why.png ("Why this name?" on a face of the live source),
/// live-visitors.png (the whole source played, with its "New person?"
/// cards), health-pairs.png (when the health check finds pairs) and, with
/// `enrolSource`, enrol-from-camera.png (guided enrolment on it).
/// Returns the number of pictures that could not be written.
int takeScreenshots(ui::MainWindow& window, const QString& folder, const QString& liveSource, const QString& trainData,
                    const QString& adaptImpostors = {}, const QString& enrolSource = {});

}  // namespace siamese::studio
