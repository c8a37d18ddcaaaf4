#pragma once
// Shared pieces of the CLI: the progress bar, Ctrl-C handling, and the
// defaults that depend on where the program runs.

#include <string>

#include "common/Progress.h"

namespace siamese::cli {

/// Draws a progress bar on stderr: redrawn in place on a terminal, a line
/// every 10% otherwise (logs stay readable).
class ProgressBar {
 public:
  explicit ProgressBar(std::string label, std::string unit = "photos");
  void update(const Progress& progress);
  /// Ends the bar's line.
  void finish();

 private:
  std::string m_label;
  std::string m_unit;
  bool m_tty;
  int m_lastDecile = -1;
  bool m_drawn = false;
};

/// The stop token set by Ctrl-C (SIGINT) and SIGTERM. A second Ctrl-C
/// ends the program at once.
StopToken& interruptToken();
void installInterruptHandler();

/// The shared data folder: $SIAMESE_DATA, else ../shared/data next to the
/// source tree (as configured at build time).
std::string sharedDataDir();

/// The model used when none is named: $SIAMESE_MODEL, else
/// models/default.siamese of the source tree, else the installed copy.
std::string defaultModelPath();

/// The gallery to use: `chosen` when given, else $SIAMESE_GALLERY, else
/// siamese-studio/gallery.db in the user's data folder ($XDG_DATA_HOME or
/// ~/.local/share).
std::string galleryPathOrDefault(const std::string& chosen);

/// Parses "7x7" into columns and rows. throws Error otherwise.
void parseGrid(const std::string& text, int& columns, int& rows);

}  // namespace siamese::cli
