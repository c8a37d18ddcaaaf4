#pragma once
// Shared pieces of the CLI: the progress bar, Ctrl-C handling, and the
// defaults that depend on where the program runs.

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "common/DefaultPaths.h"
#include "common/Progress.h"
#include "data/Dataset.h"
#include "data/FaceCache.h"

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
  /// For jobs that report no rate: the bar's own, since it was made.
  std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
};

/// The stop token set by Ctrl-C (SIGINT) and SIGTERM. A second Ctrl-C
/// ends the program at once.
StopToken& interruptToken();
void installInterruptHandler();

/// Parses the command line and runs the command it names, with Ctrl-C
/// stopping it; returns the process's exit code: 0, 1 for an Error (its
/// message printed), 2 for anything unexpected, 130 when interrupted, or
/// CLI11's for a bad command line.
int runCommandLine(CLI::App& app, int argc, char** argv);

/// The shared data folder: $SIAMESE_DATA, else ../shared/data next to the
/// source tree (as configured at build time).
std::string sharedDataDir();

// Where the default model and gallery live (shared with the desktop app).

/// Parses "640x480" into width and height, each 1..maxSide. throws Error
/// naming `what` otherwise.
void parseSize(const std::string& text, int& width, int& height, int maxSide, const std::string& what);

/// Parses "7x7" into columns and rows. throws Error otherwise.
void parseGrid(const std::string& text, int& columns, int& rows);

/// Says on stderr which entries of a data set were not photos (folders and
/// named pipes inside people's folders), so none is left out without a word.
void reportSkippedEntries(const Dataset& dataset);

/// FaceCache::load, saying on stderr what was skipped when the cache is damaged.
FaceCache loadFaceCache(const std::string& path);

/// A CLI11 check that refuses nan and inf, which pass a range check.
const CLI::Validator& finiteNumber();

}  // namespace siamese::cli
