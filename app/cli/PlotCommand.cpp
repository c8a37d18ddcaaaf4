// siamese plot: a training history as loss and accuracy curves (PNG).

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "Commands.h"
#include "render/Charts.h"
#include "train/Trainer.h"
#include "vision/ImageIO.h"

namespace siamese::cli {

void addPlotCommand(CLI::App& app) {
  struct Args {
    std::string history, outDir = ".";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("plot", "Plot a training history CSV as loss and accuracy curves");
  cmd->add_option("history", args->history, "History CSV written by 'siamese train'")->required();
  cmd->add_option("-o,--out-dir", args->outDir, "Folder for loss.png and accuracy.png")->capture_default_str();
  cmd->callback([args] {
    const auto history = readHistoryCsv(args->history);
    Series train{"train loss", {}, {}, chartColour(0)}, validation{"validation loss", {}, {}, chartColour(1)};
    Series accuracy{"validation accuracy", {}, {}, chartColour(2)}, auc{"validation AUC", {}, {}, chartColour(4)};
    for (const EpochRecord& r : history) {
      for (Series* s : {&train, &validation, &accuracy, &auc}) s->x.push_back(r.epoch);
      train.y.push_back(r.trainLoss);
      validation.y.push_back(r.validationLoss);
      accuracy.y.push_back(r.validationAccuracy);
      auc.y.push_back(r.validationAuc);
    }
    ChartOptions lossChart;
    lossChart.title = "Loss";
    lossChart.xLabel = "epoch";
    lossChart.yLabel = "loss";
    lossChart.yMin = 0;
    ChartOptions accuracyChart;
    accuracyChart.title = "Validation accuracy and AUC";
    accuracyChart.xLabel = "epoch";
    accuracyChart.yLabel = "fraction";
    accuracyChart.yMin = 0.5;
    accuracyChart.yMax = 1.0;
    std::filesystem::create_directories(args->outDir);
    saveImage(args->outDir + "/loss.png", renderLineChart({train, validation}, lossChart));
    saveImage(args->outDir + "/accuracy.png", renderLineChart({accuracy, auc}, accuracyChart));
    std::printf("%zu epochs plotted: %s/loss.png, %s/accuracy.png\n", history.size(), args->outDir.c_str(),
                args->outDir.c_str());
  });
}

}  // namespace siamese::cli
