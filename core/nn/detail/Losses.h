#pragma once
// Private to core: the siamese losses on LibTorch tensors.

#include <torch/torch.h>

namespace siamese::detail {

/// Euclidean distance between rows of a and b, [N]. The epsilon keeps the
/// gradient of sqrt finite when two embeddings coincide.
torch::Tensor euclidean(const torch::Tensor& a, const torch::Tensor& b);

/// All pairwise Euclidean distances of the rows of e, [N, N].
torch::Tensor pairwiseDistances(const torch::Tensor& e);

/// Contrastive loss (Hadsell, Chopra & LeCun 2006), the seed projects' loss:
/// mean over pairs of  same·d²  +  (1 − same)·max(0, margin − d)².
/// `same` holds 1 for same-person pairs and 0 otherwise.
torch::Tensor contrastiveLoss(const torch::Tensor& distance, const torch::Tensor& same, double margin);

/// Koch et al.: binary cross-entropy of sigmoid(logit) against `same`.
torch::Tensor kochLoss(const torch::Tensor& logits, const torch::Tensor& same);

/// Triplet loss: mean of max(0, d(a, p) − d(a, n) + margin).
torch::Tensor tripletLoss(const torch::Tensor& anchor, const torch::Tensor& positive,
                          const torch::Tensor& negative, double margin);

/// Online variants over a batch of embeddings with identity labels [N]:

/// Every pair in the batch; the mean same-pair term and the mean
/// different-pair term weigh equally (a P×K batch has far more different
/// pairs than same pairs).
torch::Tensor batchContrastiveLoss(const torch::Tensor& embeddings, const torch::Tensor& labels, double margin);

/// Batch-hard triplets (Hermans et al. 2017): for each anchor its farthest
/// positive and nearest negative in the batch.
torch::Tensor batchHardTripletLoss(const torch::Tensor& embeddings, const torch::Tensor& labels, double margin);

/// Masks of the pairs in a batch: same[i][j] (i != j, same label) and
/// different[i][j].
std::pair<torch::Tensor, torch::Tensor> pairMasks(const torch::Tensor& labels);

}  // namespace siamese::detail
