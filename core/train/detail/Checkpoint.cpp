#include "train/detail/Checkpoint.h"

#include <sstream>

#include "common/AtomicFile.h"
#include "common/Error.h"

namespace siamese::detail {

void saveCheckpoint(const std::string& path, const TrainConfig& config, SiameseModel& model,
                    torch::optim::Optimizer& optimizer, const RunState& state) {
  torch::serialize::OutputArchive archive;
  archive.write("config", c10::IValue(config.toJson()));
  archive.write("model", c10::IValue(serializeModel(model)));
  torch::serialize::OutputArchive optimizerArchive;
  optimizer.save(optimizerArchive);
  archive.write("optimizer", optimizerArchive);
  archive.write("next_epoch", c10::IValue(std::int64_t(state.nextEpoch)));
  archive.write("next_step", c10::IValue(std::int64_t(state.nextStep)));
  archive.write("loss_sum", c10::IValue(state.lossSum));
  archive.write("loss_count", c10::IValue(std::int64_t(state.lossCount)));
  archive.write("history", c10::IValue(formatHistoryCsv(state.history)));
  archive.write("best_loss", c10::IValue(state.bestLoss));
  archive.write("best_epoch", c10::IValue(std::int64_t(state.bestEpoch)));
  archive.write("epochs_since_best", c10::IValue(std::int64_t(state.epochsSinceBest)));
  archive.write("best_weights", c10::IValue(state.bestWeights));
  state.average.save(archive);
  if (state.lossScale) {
    archive.write("loss_scale", c10::IValue(state.lossScale->scale));
    archive.write("loss_scale_good_steps", c10::IValue(std::int64_t(state.lossScale->goodSteps)));
    archive.write("loss_scale_skipped_in_a_row", c10::IValue(std::int64_t(state.lossScale->skippedInARow)));
    archive.write("loss_scale_skipped_steps", c10::IValue(std::int64_t(state.lossScale->skippedSteps)));
  }
  std::ostringstream bytes;
  archive.save_to(bytes);
  writeFileAtomically(path, bytes.str());
}

void loadCheckpoint(const std::string& path, const TrainConfig& config, SiameseModel& model,
                    torch::optim::Optimizer& optimizer, const torch::Device& device, RunState& state) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, device);
    c10::IValue value;
    archive.read("config", value);
    // Patience only decides when to stop, so a run stopped early can be
    // resumed to the schedule's end with --patience 0.
    TrainConfig saved = TrainConfig::fromJson(value.toStringRef());
    saved.threads = config.threads;
    saved.device = config.device;
    saved.patience = config.patience;
    if (saved.toJson() != config.toJson()) {
      throw Error("the checkpoint " + path + " was made with another training configuration; "
                  "resume with the same settings or remove the checkpoint");
    }
    archive.read("model", value);
    deserializeModel(value.toStringRef(), model);
    model.to(device);
    torch::serialize::InputArchive optimizerArchive;
    archive.read("optimizer", optimizerArchive);
    optimizer.load(optimizerArchive);
    archive.read("next_epoch", value);
    state.nextEpoch = int(value.toInt());
    archive.read("next_step", value);
    state.nextStep = std::size_t(value.toInt());
    archive.read("loss_sum", value);
    state.lossSum = value.toDouble();
    archive.read("loss_count", value);
    state.lossCount = std::size_t(value.toInt());
    archive.read("history", value);
    state.history = parseHistoryCsv(value.toStringRef(), path);
    archive.read("best_loss", value);
    state.bestLoss = value.toDouble();
    archive.read("best_epoch", value);
    state.bestEpoch = int(value.toInt());
    archive.read("epochs_since_best", value);
    state.epochsSinceBest = int(value.toInt());
    archive.read("best_weights", value);
    state.bestWeights = value.toStringRef();
    state.average.load(archive, model, device);
    // Checkpoints of runs without loss scaling (and older ones) have none.
    if (archive.try_read("loss_scale", value)) {
      LossScaleState scale;
      scale.scale = value.toDouble();
      archive.read("loss_scale_good_steps", value);
      scale.goodSteps = int(value.toInt());
      archive.read("loss_scale_skipped_in_a_row", value);
      scale.skippedInARow = int(value.toInt());
      archive.read("loss_scale_skipped_steps", value);
      scale.skippedSteps = long(value.toInt());
      state.lossScale = scale;
    }
  } catch (const c10::Error& e) {
    throw Error("cannot resume from checkpoint " + path + " (truncated or not a checkpoint): " +
                e.what_without_backtrace());
  }
}

}  // namespace siamese::detail
