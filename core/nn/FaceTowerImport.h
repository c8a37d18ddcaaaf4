#pragma once
/// \file FaceTowerImport.h
/// Converts a pretrained face tower into an ordinary model bundle. The one
/// tower supported is dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1,
/// public domain) as the npm package @vladmandic/face-api ships it: a TF.js
/// weights manifest plus its binary shard(s), 109 of 117 tensors quantised to uint8.

#include <string>

#include "common/FaceApiPackage.h"
#include "nn/ModelBundle.h"

namespace siamese {

/// What the tower takes: dlib's 150 px colour chip (padding 0.25), RGB
/// minus dlib's means over 256.
InputSpec faceTowerInput();

/// Reads `manifestPath` (model/face_recognition_model-weights_manifest.json)
/// and the shard(s) it names beside it, checks every tensor's name, shape,
/// type and the byte count, checks the weights' SHA-256 against the known
/// release, dequantises (value = q·scale + min), folds dlib's per-channel
/// affine layers into the convolutions, and writes a bundle to `outPath`
/// with the input the tower expects (dlib's 150 px chip, RGB minus dlib's
/// means over 256), Euclidean distance, dlib's threshold 0.6 and a card of
/// origin, version, checksum, licences and training data.
/// throws FileError naming the file when it is missing, not a TF.js
/// manifest, not this tower, truncated, or altered.
BundleMetadata importFaceApiTower(const std::string& manifestPath, const std::string& outPath);

}  // namespace siamese
