#include "train/detail/WeightAverage.h"

#include "common/Error.h"

namespace siamese::detail {
namespace {

// Every weight (SiameseModel::parameters, the head's included) and then every
// buffer of the model, in a fixed order.
std::vector<torch::Tensor> stateOf(const SiameseModel& model) {
  std::vector<torch::Tensor> state = model.parameters();
  for (const torch::Tensor& buffer : model.net->buffers()) state.push_back(buffer);
  if (model.head) {
    for (const torch::Tensor& buffer : model.head->buffers()) state.push_back(buffer);
  }
  return state;
}

}  // namespace

void WeightAverage::add(const SiameseModel& model) {
  torch::NoGradGuard noGrad;
  const std::vector<torch::Tensor> state = stateOf(model);
  if (m_count == 0) {
    m_mean.clear();
    for (const torch::Tensor& t : state) m_mean.push_back(t.detach().clone());
  } else {
    const double weight = 1.0 / double(m_count + 1);
    for (std::size_t i = 0; i < state.size(); ++i) {
      if (m_mean[i].is_floating_point()) {
        m_mean[i].add_(state[i].detach() - m_mean[i], weight);
      } else {
        m_mean[i].copy_(state[i].detach());
      }
    }
  }
  ++m_count;
}

void WeightAverage::copyInto(SiameseModel& model) const {
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> state = stateOf(model);
  for (std::size_t i = 0; i < state.size() && i < m_mean.size(); ++i) state[i].copy_(m_mean[i]);
}

void WeightAverage::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive average;
  average.write("count", c10::IValue(std::int64_t(m_count)));
  for (std::size_t i = 0; i < m_mean.size(); ++i) average.write("t" + std::to_string(i), m_mean[i]);
  archive.write("weight_average", average);
}

void WeightAverage::load(torch::serialize::InputArchive& archive, const SiameseModel& model, const torch::Device& device) {
  m_mean.clear();
  m_count = 0;
  torch::serialize::InputArchive average;
  if (!archive.try_read("weight_average", average)) return;
  c10::IValue count;
  average.read("count", count);
  if (count.toInt() == 0) return;
  const std::vector<torch::Tensor> state = stateOf(model);
  for (std::size_t i = 0; i < state.size(); ++i) {
    torch::Tensor mean;
    average.read("t" + std::to_string(i), mean);
    if (!mean.sizes().equals(state[i].sizes())) throw Error("the checkpoint's weight average does not fit the model");
    m_mean.push_back(mean.to(device));
  }
  m_count = int(count.toInt());
}

}  // namespace siamese::detail
