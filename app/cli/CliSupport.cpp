#include "CliSupport.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/Error.h"

#ifndef SIAMESE_SHARED_DATA_DIR
#define SIAMESE_SHARED_DATA_DIR "../shared/data"
#endif

namespace siamese::cli {
namespace {

StopToken g_interrupt;
volatile std::sig_atomic_t g_interruptCount = 0;

// How long a stopped command may take to end after Ctrl-C or SIGTERM before
// it is ended anyway. Every file is written atomically, so ending it then
// loses only the step in progress; without this, a command blocked in a
// system call that is restarted after the signal would never end.
// (A safe point is at most a training step, a photo or a batch away; what
// follows it, a checkpoint or a last validation, takes seconds.)
constexpr unsigned kSecondsToStop = 60;
volatile std::sig_atomic_t g_stopSignal = 0;

void onStopOverdue(int) {
  static const char message[] = "\nstopped: the command did not reach a safe point in time; ending it\n";
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(128 + g_stopSignal);
}

void onInterrupt(int signal) {
  g_interrupt.requestStop();
  g_stopSignal = signal;
  if (++g_interruptCount > 1) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  std::signal(SIGALRM, onStopOverdue);
  ::alarm(kSecondsToStop);
}

std::string formatDuration(double seconds) {
  const long s = long(seconds + 0.5);
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  }
  return text;
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::string unit)
    : m_label(std::move(label)), m_unit(std::move(unit)), m_tty(::isatty(STDERR_FILENO) == 1) {}

void ProgressBar::update(const Progress& reported) {
  Progress p = reported;
  if (p.unitsPerSecond <= 0 && p.done > 0) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    p.unitsPerSecond = double(p.done) / std::max(1e-3, seconds);
  }
  const double fraction = p.total ? double(p.done) / double(p.total) : 0.0;
  const double eta = p.unitsPerSecond > 0 && p.total > p.done ? double(p.total - p.done) / p.unitsPerSecond : 0.0;
  char stats[160];
  std::snprintf(stats, sizeof stats, "%zu/%zu  %.1f %s/s  ETA %s%s%s", p.done, p.total, p.unitsPerSecond,
                m_unit.c_str(), formatDuration(eta).c_str(), p.message.empty() ? "" : "  ", p.message.c_str());
  if (m_tty) {
    constexpr int kWidth = 30;
    const int filled = int(fraction * kWidth);
    std::string bar(std::size_t(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %3d%%  %s\033[K", m_label.c_str(), bar.c_str(), int(fraction * 100), stats);
    m_drawn = true;
  } else {
    const int decile = int(fraction * 10);
    if (decile == m_lastDecile) return;
    m_lastDecile = decile;
    std::fprintf(stderr, "%s %3d%%  %s\n", m_label.c_str(), decile * 10, stats);
  }
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (m_tty && m_drawn) std::fprintf(stderr, "\n");
  m_drawn = false;
}

StopToken& interruptToken() { return g_interrupt; }

void installInterruptHandler() {
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
}

int runCommandLine(CLI::App& app, int argc, char** argv) {
  installInterruptHandler();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: unexpected failure: %s\n", e.what());
    return 2;
  }
  return interruptToken().stopRequested() ? 130 : 0;
}

void reportSkippedEntries(const Dataset& dataset) {
  if (dataset.skipped.empty()) return;
  std::fprintf(stderr, "note: %zu entries of %s are not photos and were left out:\n", dataset.skipped.size(),
               dataset.root.c_str());
  for (std::size_t i = 0; i < dataset.skipped.size() && i < 10; ++i) std::fprintf(stderr, "  %s\n", dataset.skipped[i].c_str());
  if (dataset.skipped.size() > 10) std::fprintf(stderr, "  and %zu more\n", dataset.skipped.size() - 10);
}

FaceCache loadFaceCache(const std::string& path) {
  FaceCache cache = FaceCache::load(path);
  const std::string damage = cache.damageNote();
  if (!damage.empty()) std::fprintf(stderr, "warning: %s: %s\n", path.c_str(), damage.c_str());
  if (cache.ignoredTailBytes()) {
    std::fprintf(stderr,
                 "warning: %s: its last %zu bytes are an unfinished record (an interrupted 'siamese prepare'?), "
                 "ignored; running the same prepare again completes the cache\n",
                 path.c_str(), cache.ignoredTailBytes());
  }
  return cache;
}

std::string sharedDataDir() {
  if (const char* env = std::getenv("SIAMESE_DATA"); env && *env) return env;
  return SIAMESE_SHARED_DATA_DIR;
}

void parseSize(const std::string& text, int& width, int& height, int maxSide, const std::string& what) {
  const auto x = text.find('x');
  try {
    if (x == std::string::npos) throw std::invalid_argument("no x");
    width = std::stoi(text.substr(0, x));
    height = std::stoi(text.substr(x + 1));
  } catch (const std::exception&) {
    throw Error(what + " must look like 7x7, got '" + text + "'");
  }
  if (width < 1 || height < 1 || width > maxSide || height > maxSide) {
    throw Error(what + " must be between 1x1 and " + std::to_string(maxSide) + "x" + std::to_string(maxSide));
  }
}

void parseGrid(const std::string& text, int& columns, int& rows) { parseSize(text, columns, rows, 100, "grid"); }

const CLI::Validator& finiteNumber() {
  static const CLI::Validator check(
      [](std::string& text) -> std::string {
        try {
          return std::isfinite(std::stod(text)) ? "" : "Value " + text + " is not a finite number";
        } catch (const std::exception&) {
          return "Value " + text + " is not a number";
        }
      },
      "FINITE");
  return check;
}

}  // namespace siamese::cli
