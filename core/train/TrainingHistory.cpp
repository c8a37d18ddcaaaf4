#include "train/TrainingHistory.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include "common/AtomicFile.h"
#include "common/Error.h"

namespace siamese {
namespace {

constexpr const char* kHistoryHeader =
    "epoch,train_loss,validation_loss,validation_accuracy,validation_auc,learning_rate,seconds";

}  // namespace

std::string formatHistoryCsv(const std::vector<EpochRecord>& history) {
  std::ostringstream out;
  out << kHistoryHeader << '\n';
  out.precision(9);
  for (const EpochRecord& r : history) {
    out << r.epoch << ',' << r.trainLoss << ',' << r.validationLoss << ',' << r.validationAccuracy << ','
        << r.validationAuc << ',' << r.learningRate << ',' << r.seconds << '\n';
  }
  return out.str();
}

std::vector<EpochRecord> parseHistoryCsv(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  if (line != kHistoryHeader) throw Error(name + ": not a training history");
  std::vector<EpochRecord> history;
  int lineNumber = 1;
  while (std::getline(in, line)) {
    ++lineNumber;
    if (line.empty()) continue;
    EpochRecord r;
    char comma;
    std::istringstream fields(line);
    if (!(fields >> r.epoch >> comma >> r.trainLoss >> comma >> r.validationLoss >> comma >> r.validationAccuracy >>
          comma >> r.validationAuc >> comma >> r.learningRate >> comma >> r.seconds)) {
      throw Error(name + ":" + std::to_string(lineNumber) + ": malformed history row");
    }
    history.push_back(r);
  }
  return history;
}

void writeHistoryCsv(const std::string& path, const std::vector<EpochRecord>& history) {
  writeFileAtomically(path, formatHistoryCsv(history));
}

std::vector<EpochRecord> readHistoryCsv(const std::string& path) {
  requireRegularFile(path);
  std::ifstream in(path);
  if (!in) throw Error("cannot open training history " + path);
  return parseHistoryCsv(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()), path);
}

}  // namespace siamese
