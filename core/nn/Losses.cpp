#include "nn/detail/Losses.h"

namespace siamese::detail {
namespace {
constexpr double kEpsilon = 1e-12;
}

torch::Tensor euclidean(const torch::Tensor& a, const torch::Tensor& b) {
  return torch::sqrt((a - b).pow(2).sum(1) + kEpsilon);
}

torch::Tensor pairwiseDistances(const torch::Tensor& e) {
  // |a - b|² = |a|² + |b|² − 2ab, clamped: rounding can make it slightly negative.
  const torch::Tensor squares = e.pow(2).sum(1, true);
  const torch::Tensor d2 = (squares + squares.t() - 2 * e.matmul(e.t())).clamp_min(0);
  return torch::sqrt(d2 + kEpsilon);
}

torch::Tensor contrastiveLoss(const torch::Tensor& distance, const torch::Tensor& same, double margin) {
  const torch::Tensor positive = same * distance.pow(2);
  const torch::Tensor negative = (1 - same) * torch::clamp_min(margin - distance, 0).pow(2);
  return (positive + negative).mean();
}

torch::Tensor kochLoss(const torch::Tensor& logits, const torch::Tensor& same) {
  return torch::binary_cross_entropy_with_logits(logits, same);
}

torch::Tensor tripletLoss(const torch::Tensor& anchor, const torch::Tensor& positive,
                          const torch::Tensor& negative, double margin) {
  return torch::clamp_min(euclidean(anchor, positive) - euclidean(anchor, negative) + margin, 0).mean();
}

std::pair<torch::Tensor, torch::Tensor> pairMasks(const torch::Tensor& labels) {
  const torch::Tensor equal = labels.unsqueeze(0) == labels.unsqueeze(1);
  const torch::Tensor notSelf = ~torch::eye(labels.size(0), torch::TensorOptions().dtype(torch::kBool).device(labels.device()));
  return {equal & notSelf, ~equal};
}

torch::Tensor batchContrastiveLoss(const torch::Tensor& embeddings, const torch::Tensor& labels, double margin) {
  const torch::Tensor d = pairwiseDistances(embeddings);
  const auto [same, different] = pairMasks(labels);
  const torch::Tensor positive = d.pow(2).masked_select(same);
  const torch::Tensor negative = torch::clamp_min(margin - d, 0).pow(2).masked_select(different);
  torch::Tensor loss = torch::zeros({}, embeddings.options());
  if (positive.numel() > 0) loss = loss + positive.mean();
  if (negative.numel() > 0) loss = loss + negative.mean();
  return loss;
}

torch::Tensor batchHardTripletLoss(const torch::Tensor& embeddings, const torch::Tensor& labels, double margin) {
  const torch::Tensor d = pairwiseDistances(embeddings);
  const auto [same, different] = pairMasks(labels);
  // Farthest positive: masked max; nearest negative: masked min (non-negatives pushed out of reach).
  const torch::Tensor hardestPositive = (d * same.to(d.dtype())).amax(1);
  const torch::Tensor hardestNegative = (d + (~different).to(d.dtype()) * 1e6).amin(1);
  // Anchors without a positive or a negative in the batch do not count.
  const torch::Tensor valid = same.any(1) & different.any(1);
  if (!valid.any().item<bool>()) return torch::zeros({}, embeddings.options());
  return torch::clamp_min(hardestPositive - hardestNegative + margin, 0).masked_select(valid).mean();
}

}  // namespace siamese::detail
