#pragma once
/// \file CropMatch.h
/// The one check that a face cache holds the crops a model expects, made
/// wherever a model meets a cache: evaluating or benchmarking it, starting
/// training from it, distilling from it.

#include <string>

#include "data/FaceCache.h"
#include "nn/ModelBundle.h"

namespace siamese {

/// What differs between the crops `input` describes and `cache`'s ("the
/// model x was trained on colour crops, but this face cache holds grey
/// crops"), or "" when a model taking `input` can use them. For front ends
/// that give their own advice (the wizard's Preparation page).
std::string cropMismatch(const InputSpec& input, const CacheSettings& cache, const std::string& model);

/// How `cache`'s crops were made, for messages: "150 px colour dlib-chip
/// crops with padding 0.25".
std::string describeCrops(const CacheSettings& cache);

/// throws Error when crops made with `cache`'s settings are not the ones a
/// model taking `input` was trained on: aligned faces against whole images,
/// another alignment or padding, or grey crops for a colour model. The
/// message names what differs and the `siamese prepare` options that make
/// the right crops; `model` names the model in it ("the model x.siamese").
/// Allowed: colour crops for a grey model (they are made grey the way its
/// own were) and any crop size (crops are resized to the network's input).
void requireMatchingCrops(const InputSpec& input, const CacheSettings& cache, const std::string& model);

}  // namespace siamese
