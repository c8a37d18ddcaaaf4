// siamese bench training: our trainer's throughput on fixed configurations
// (TrainingBenchmark.h), beside PyTorch from Python on the same network and
// batches (bench/train-bench.py) in the same run, with the arithmetic rate
// and its share of the CPU's nominal peak. Writes its section of
// BENCHMARKS.md.

#include <CLI/CLI.hpp>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "BenchmarkFile.h"
#include "CliSupport.h"
#include "Commands.h"
#include "common/DefaultPaths.h"
#include "common/Error.h"
#include "nn/WinogradConvolutions.h"
#include "train/TrainingBenchmark.h"

namespace siamese::cli {
namespace {

struct TrainingBenchArgs {
  int steps = 30;
  int warmup = 5;
  int threads = 2;
  std::string cases;   ///< empty: all
  std::string python;  ///< empty: Debian's /usr/bin/python3, else python3 on the PATH; "none": skip
  std::string out = "BENCHMARKS.md";
  std::string work = "build/bench";
  std::string tower;  ///< the face tower bundle for its cases (default: where `siamese import` puts it)
  std::string layout = "channels-last";  ///< TrainOptions::channelsLast, and PyTorch's second run's
  std::string loader = "auto";  ///< TrainOptions::loader
  std::string precision = "float32";    ///< TrainOptions::precision, and autocast in PyTorch's second run
  std::string device = "cpu";           ///< both trainers'
  std::string trace;  ///< a prefix: ours writes <trace>-<case>.json, PyTorch's script <trace>-<case>-pytorch.txt
  std::string convolutions = "winograd";  ///< TrainOptions::winograd (PyTorch has no such choice)
};

/// PyTorch's figures for one case, or why there are none.
struct PythonFigures {
  bool ran = false;
  std::string why;
  double imagesPerSecond = 0, msPerStep = 0, dataMs = 0, forwardMs = 0, backwardMs = 0, optimizerMs = 0;
  std::string version;
};

std::string commandOutput(const std::string& command, int& status) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw Error("cannot run " + command);
  std::string text;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), int(buffer.size()), pipe.get())) text += buffer.data();
  status = pclose(pipe.release());
  return text;
}

std::string pythonOf(const TrainingBenchArgs& args) {
  if (!args.python.empty()) return args.python;
  return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

bool channelsLast(const TrainingBenchArgs& args) { return args.layout == "channels-last"; }
// oneDNN's Winograd kernels are the CPU's; a GPU runs LibTorch's own.
bool winograd(const TrainingBenchArgs& args) {
  return args.device == "cpu" && args.convolutions == "winograd" && winogradSupported();
}

/// PyTorch's script on one case: as PyTorch is usually run (NCHW, float32),
/// or set up like ours (`likeOurs`): our layout and precision, and our
/// trainer's heap settings given to glibc through its environment variables.
PythonFigures runPython(const TrainingBenchArgs& args, const std::string& key, bool likeOurs) {
  PythonFigures figures;
  const std::string script = std::string(SIAMESE_BENCH_DIR) + "/train-bench.py";
  if (!std::filesystem::exists(script)) {
    figures.why = "the reference script " + script + " is not here (it ships with the source tree)";
    return figures;
  }
  const std::string python = pythonOf(args);
  int status = 0;
  commandOutput(python + " -c 'import torch' 2>/dev/null", status);
  if (status != 0) {
    figures.why = "PyTorch for Python is missing; install it with: sudo apt-get install python3-torch "
                  "(Debian's PyTorch 1.13, the version of our LibTorch)";
    return figures;
  }
  const std::string heap = likeOurs ? "MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824 " : "";
  const std::string output =
      commandOutput(heap + python + " " + script + " --arch " + key + " --steps " + std::to_string(args.steps) +
                        " --warmup " + std::to_string(args.warmup) + " --threads " + std::to_string(args.threads) +
                        " --device " + args.device + (likeOurs ? " --precision " + args.precision : "") +
                        (likeOurs && channelsLast(args) && args.device == "cpu" ? " --channels-last" : "") +
                        (likeOurs && !args.trace.empty() ? " --trace '" + args.trace + "-" + key + "-pytorch.txt'" : ""),
                    status);
  if (status != 0) throw Error("the PyTorch reference failed:\n" + output);
  const nlohmann::json j = nlohmann::json::parse(output.substr(output.rfind('{')));
  figures.ran = true;
  figures.imagesPerSecond = j.at("images_per_second");
  figures.msPerStep = j.at("ms_per_step");
  figures.dataMs = j.at("data_ms");
  figures.forwardMs = j.at("forward_ms");
  figures.backwardMs = j.at("backward_ms");
  figures.optimizerMs = j.at("optimizer_ms");
  figures.version = j.at("torch");
  return figures;
}

/// The CPU's nominal single-precision peak for `cores` cores: FMA lanes
/// (16 with AVX-512, 8 with AVX2) × 2 FMA units × 2 FLOPs × the clock the
/// kernel reports. A virtual machine shows the base clock, so turbo (and
/// AVX-512's lower clock) are not in it.
struct Peak {
  double gflops = 0;
  std::string how;
};

Peak nominalPeak(int cores) {
  std::ifstream in("/proc/cpuinfo");
  std::string line, flags;
  double mhz = 0;
  while (std::getline(in, line)) {
    if (mhz == 0 && line.rfind("cpu MHz", 0) == 0) mhz = std::stod(line.substr(line.find(':') + 1));
    if (flags.empty() && line.rfind("flags", 0) == 0) flags = line;
  }
  const bool avx512 = flags.find(" avx512f") != std::string::npos;
  const int lanes = avx512 ? 16 : flags.find(" avx2") != std::string::npos ? 8 : 4;
  Peak peak;
  peak.gflops = cores * lanes * 2 * 2 * mhz / 1000;
  char how[200];
  std::snprintf(how, sizeof how, "%d core(s) × %d float lanes (%s) × 2 FMA units × 2 FLOPs × %.2f GHz = %.0f GFLOP/s",
                cores, lanes, avx512 ? "AVX-512" : lanes == 8 ? "AVX2" : "SSE", mhz / 1000, peak.gflops);
  peak.how = how;
  return peak;
}

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string phases(double data, double forward, double backward, double optimizer) {
  return fixed(data, 0) + " / " + fixed(forward, 0) + " / " + fixed(backward, 0) + " / " + fixed(optimizer, 0);
}

TrainOptions::Loader loaderOf(const std::string& name) {
  if (name == "on") return TrainOptions::Loader::On;
  if (name == "off") return TrainOptions::Loader::Off;
  return TrainOptions::Loader::Auto;
}

struct Row {
  TrainingBenchmarkCase benchCase;
  TrainingBenchmarkResult ours;
  /// Ours again with LibTorch's direct convolutions, when the first ran Winograd's.
  std::optional<TrainingBenchmarkResult> oursDirect;
  PythonFigures python;          ///< as PyTorch is usually run
  PythonFigures pythonLikeOurs;  ///< with our layout, precision and heap settings
};


std::string markdown(const std::vector<Row>& rows, const TrainingBenchArgs& args, const Peak& peak) {
  std::ostringstream md;
  md << "# Benchmarks: training speed\n\n"
     << "Written by `siamese bench training` (" << machineDescription() << ", " << args.threads
     << " LibTorch threads, models on " << args.device << ", " << args.layout << ", " << args.precision
     << ", loader thread " << args.loader << ", " << (winograd(args) ? "Winograd" : "direct") << " convolutions). Each network trains " << args.steps << " timed steps after " << args.warmup
     << " warm-up steps on random 64 px faces, in our trainer and in PyTorch from Python "
        "(`bench/train-bench.py`: the same layers, batches, augmentation, loss and optimiser), one after the other "
        "in the same run. PyTorch runs twice: as it is usually run (NCHW, float32), and with our memory layout and "
        "precision (when they differ); the first ratio is the one the goal is set on. A step's time is split into "
        "data (sampling, copying the crops, augmenting; in our trainer, "
        "where a loader thread makes the batches, only the wait for it), forward "
        "(network and loss), backward and optimiser. GFLOP/s counts 2 FLOPs per multiply-add of the convolutions "
        "and linear layers, × 3 for forward and backward (`core/nn/NetworkFlops.cpp`); the peak is nominal: "
     << peak.how << ". The face tower's cases (150 px colour) start from "
     << (args.tower == "untrained" ? "its network with random weights (`--tower untrained`: what a step costs does not "
                                     "depend on them)"
                                   : "the imported tower")
     << ". When its "
        "first layers are frozen, our trainer runs them once over every photo before the first step (that pass is "
        "not in the steps' time; it is given below the table) and trains on their output, with mirror images as "
        "the only augmentation; PyTorch's script is the usual fine-tuning loop, which runs the frozen layers on "
        "every batch (without gradients) and augments every batch: the ratio measures that choice, not faster "
        "kernels. GFLOP/s counts only the layers that train. Our trainer keeps freed tensor memory in the heap "
        "while it trains (no block mmapped, glibc's trim threshold at 1 GB; `KeptTensorMemory` in "
        "`core/nn/TensorHeap.h`), which spares it millions of page faults; PyTorch's second run gets the same "
        "settings (`MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824`), so the first ratio includes that "
        "choice and the second does not. How much page faults cost depends on the machine (on a virtual one, "
        "much more than on bare metal), so the first ratio moves between machines far more than the second. Our trainer runs its 3×3 stride-1 convolutions of 16 channels or more by Winograd's "
        "F(4×4, 3×3) transform where oneDNN has kernels for it (AVX-512; `--convolutions direct` turns it off), "
        "and then also runs once with LibTorch's direct convolutions, for the column that shows what Winograd "
        "gains. FLOPs are counted as the direct method's, so with Winograd the GFLOP/s are effective ones and "
        "their share of the nominal peak can pass 100%.\n\n"
     << "| network | ours: images/s | ours: ms per step (data / forward / backward / optimiser) | ours: GFLOP/s "
        "(of peak) | ours, direct convolutions: images/s | PyTorch: images/s | PyTorch: ms per step (same split) | ours ÷ PyTorch | PyTorch set up "
        "like ours: images/s | ours ÷ that |\n"
     << "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const Row& r : rows) {
    const StepProfile& p = r.ours.profile;
    const double n = double(std::max<std::size_t>(1, p.steps));
    md << "| " << r.benchCase.description << " | **" << fixed(r.ours.imagesPerSecond, 1) << "** | "
       << fixed(r.ours.msPerStep, 0) << " (" << phases(p.dataMs / n, p.forwardMs / n, p.backwardMs / n, p.optimizerMs / n)
       << ") | " << fixed(r.ours.achievedGflops, 1) << " ("
       << (peak.gflops > 0 ? fixed(100 * r.ours.achievedGflops / peak.gflops, 0) + "%" : std::string("peak not known")) << ") | " << (r.oursDirect ? fixed(r.oursDirect->imagesPerSecond, 1) : std::string("—")) << " | ";
    if (r.python.ran) {
      md << fixed(r.python.imagesPerSecond, 1) << " | " << fixed(r.python.msPerStep, 0) << " ("
         << phases(r.python.dataMs, r.python.forwardMs, r.python.backwardMs, r.python.optimizerMs) << ") | **"
         << fixed(r.ours.imagesPerSecond / r.python.imagesPerSecond, 2) << "×** | ";
    } else {
      md << "not measured | " << r.python.why << " | — | ";
    }
    if (r.pythonLikeOurs.ran) {
      md << fixed(r.pythonLikeOurs.imagesPerSecond, 1) << " | "
         << fixed(r.ours.imagesPerSecond / r.pythonLikeOurs.imagesPerSecond, 2) << "× |\n";
    } else {
      md << "— | — |\n";
    }
  }
  md << "\nOur trainer's mean training loss over the steps (the same batches from the same weights in every run of "
        "this command, so another precision or device should land near float32's):";
  for (const Row& r : rows) md << " " << r.benchCase.key << " " << fixed(r.ours.meanLoss, 4) << (&r == &rows.back() ? "." : ",");
  md << "\n";
  for (const Row& r : rows) {
    if (!r.ours.frozenPassPhotos) continue;
    md << "\n" << r.benchCase.key << ": the frozen layers' one pass over " << r.ours.frozenPassPhotos << " photos took "
       << fixed(r.ours.frozenPassSeconds, 1) << " s (twice that many images: each photo and its mirror).\n";
  }
  return md.str();
}

void runTrainingBench(const TrainingBenchArgs& args) {
  const std::string tower = args.tower == "untrained" ? writeUntrainedFaceTower(args.work)
                            : args.tower.empty()     ? faceTowerPath()
                                                     : args.tower;
  std::vector<TrainingBenchmarkCase> cases = standardTrainingCases(args.threads, tower, args.device);
  if (cases.size() == 2) std::printf("no face tower at %s: its fine-tuning cases are left out (siamese import)\n", tower.c_str());
  if (!args.cases.empty()) {
    std::vector<TrainingBenchmarkCase> chosen;
    for (const std::string& key : splitList(args.cases)) {
      const auto it = std::find_if(cases.begin(), cases.end(), [&](const auto& c) { return c.key == key; });
      if (it == cases.end()) {
        throw Error("no training benchmark called '" + key + "' (convnet, resnet, and with the face tower tower-last2, tower-all)");
      }
      chosen.push_back(*it);
    }
    cases = chosen;
  }
  // A GPU's peak depends on the precision and on which units run it: left out.
  const Peak peak = args.device == "cpu" ? nominalPeak(args.threads) : Peak{0, "not computed for a GPU"};
  std::vector<Row> rows;
  for (const TrainingBenchmarkCase& c : cases) {
    TrainingBenchmarkSwitches switches{channelsLast(args), loaderOf(args.loader), parsePrecision(args.precision),
                                       winograd(args), ""};
    if (!args.trace.empty()) switches.operatorTrace = args.trace + "-" + c.key + ".json";
    Row row{c, benchmarkTraining(c, args.steps, args.warmup, args.work, switches), {}, {}, {}};
    std::printf("%-8s ours:    %6.1f images/s, %5.0f ms/step, %5.1f GFLOP/s on %s; mean loss %.4f\n", c.key.c_str(),
                row.ours.imagesPerSecond, row.ours.msPerStep, row.ours.achievedGflops, row.ours.device.c_str(),
                row.ours.meanLoss);
    if (switches.winograd) {
      switches.winograd = false;
      switches.operatorTrace.clear();  // the trace is of the configuration asked for
      row.oursDirect = benchmarkTraining(c, args.steps, args.warmup, args.work, switches);
      std::printf("%-8s ours with direct convolutions: %6.1f images/s\n", c.key.c_str(), row.oursDirect->imagesPerSecond);
    }
    if (row.ours.frozenPassPhotos) {
      std::printf("%-8s ours ran the frozen layers once over %zu photos first: %.1f s\n", c.key.c_str(),
                  row.ours.frozenPassPhotos, row.ours.frozenPassSeconds);
    }
    std::fflush(stdout);
    if (args.python == "none") {
      row.python.why = "skipped (--python none)";
    } else {
      row.python = runPython(args, c.key, false);
      if (row.python.ran) row.pythonLikeOurs = runPython(args, c.key, true);
    }
    if (row.python.ran) {
      std::printf("%-8s PyTorch: %6.1f images/s, %5.0f ms/step; ours ÷ PyTorch = %.2f×\n", c.key.c_str(),
                  row.python.imagesPerSecond, row.python.msPerStep, row.ours.imagesPerSecond / row.python.imagesPerSecond);
    } else {
      std::printf("%-8s PyTorch: not measured: %s\n", c.key.c_str(), row.python.why.c_str());
    }
    if (row.pythonLikeOurs.ran) {
      std::printf("%-8s PyTorch set up like ours: %6.1f images/s; ours ÷ that = %.2f×\n", c.key.c_str(),
                  row.pythonLikeOurs.imagesPerSecond, row.ours.imagesPerSecond / row.pythonLikeOurs.imagesPerSecond);
    }
    std::fflush(stdout);
    rows.push_back(std::move(row));
  }
  writeBenchmarkSection(args.out, "training", markdown(rows, args, peak));
  std::printf("wrote %s\n", args.out.c_str());
}

}  // namespace

void addBenchTrainingCommand(CLI::App& bench) {
  auto args = std::make_shared<TrainingBenchArgs>();
  CLI::App* cmd = bench.add_subcommand(
      "training", "Training throughput of our trainer beside PyTorch from Python; rewrites its part of BENCHMARKS.md");
  cmd->add_option("--steps", args->steps, "Timed steps per network")->capture_default_str()->check(CLI::Range(1, 100000));
  cmd->add_option("--warmup", args->warmup, "Untimed steps first")->capture_default_str()->check(CLI::Range(0, 1000));
  cmd->add_option("--threads", args->threads, "LibTorch threads, ours and PyTorch's")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--cases", args->cases, "Comma-separated: convnet, resnet, tower-last2, tower-all (default: all)");
  cmd->add_option("--tower", args->tower,
                  "Face tower bundle for the tower cases (default: the imported one); 'untrained': its network with "
                  "random weights, where the tower cannot be had");
  cmd->add_option("--python", args->python,
                  "Python with PyTorch (default: /usr/bin/python3, Debian's python3-torch); 'none' skips it");
  cmd->add_option("--layout", args->layout, "Weights' and batches' memory layout (ours, and PyTorch's second run)")
      ->check(CLI::IsMember({"channels-last", "nchw"}))
      ->capture_default_str();
  cmd->add_option("--precision", args->precision,
                  "The forward passes in float32, or under autocast in bfloat16 (on a CPU it needs AVX-512 BF16) or "
                  "float16 (GPU only, with loss scaling); ours, and PyTorch's second run")
      ->check(CLI::IsMember({"float32", "bfloat16", "float16"}))
      ->capture_default_str();
  cmd->add_option("--device", args->device, "Where both train: cpu, or cuda (a GPU; then PyTorch needs CUDA too)")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("--convolutions", args->convolutions,
                  "Our 3x3 convolutions in training: winograd (oneDNN's, where it has them) or direct (LibTorch's)")
      ->check(CLI::IsMember({"winograd", "direct"}))
      ->capture_default_str();
  cmd->add_option("--loader", args->loader,
                  "Make each step's batch on a loader thread while the step before trains: auto (when a core is left "
                  "for it), on or off")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  cmd->add_option("--trace", args->trace,
                  "Record every operator of the timed steps: ours to <TRACE>-<case>.json (LibTorch's profiler, a Chrome "
                  "trace), PyTorch's second run to <TRACE>-<case>-pytorch.txt (its profiler's table); the profiler slows "
                  "both, so a traced run's figures are not a measurement");
  cmd->add_option("--work", args->work, "Where the synthetic face cache is written")->capture_default_str();
  cmd->add_option("-o,--out", args->out, "Markdown file whose training section is rewritten")->capture_default_str();
  cmd->callback([args] { runTrainingBench(*args); });
}

}  // namespace siamese::cli
