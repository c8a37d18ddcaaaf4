#pragma once
/// \file TrainingHistory.h
/// One line per epoch of a training run, and its CSV form (written beside
/// a bundle, kept inside checkpoints, drawn by the Inspect tab and `plot`).

#include <string>
#include <vector>

namespace siamese {

/// One line of the training history.
struct EpochRecord {
  int epoch = 0;                 ///< 1-based
  double trainLoss = 0;
  double validationLoss = 0;
  double validationAccuracy = 0; ///< at the best threshold on the validation pairs
  double validationAuc = 0;
  double learningRate = 0;
  double seconds = 0;            ///< wall time of the epoch
};

/// The history as CSV text: epoch,train_loss,validation_loss,
/// validation_accuracy,validation_auc,learning_rate,seconds.
std::string formatHistoryCsv(const std::vector<EpochRecord>& history);
/// Parses that text; `name` (a file path) is used in error messages.
/// throws Error on another header or a malformed row.
std::vector<EpochRecord> parseHistoryCsv(const std::string& text, const std::string& name);

/// Writes the history as CSV, atomically.
void writeHistoryCsv(const std::string& path, const std::vector<EpochRecord>& history);
std::vector<EpochRecord> readHistoryCsv(const std::string& path);

}  // namespace siamese
