#pragma once
/// \file FaceApiPackage.h
/// The npm package the face tower comes from, and the one file of it the
/// converter was written and checked against (see nn/FaceTowerImport.h).

namespace siamese {

struct FaceApiPackage {
  static constexpr const char* kName = "@vladmandic/face-api";
  static constexpr const char* kVersion = "1.7.15";
  /// SHA-256 of model/face_recognition_model.bin in that version.
  static constexpr const char* kWeightsSha256 = "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589";
};

}  // namespace siamese
