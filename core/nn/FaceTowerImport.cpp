#include "nn/FaceTowerImport.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/Sha256.h"
#include "nn/detail/ModelIo.h"

namespace siamese {
namespace {

namespace fs = std::filesystem;
using Shape = std::vector<std::int64_t>;

/// The tensors the tower has, by manifest name, with their TF.js shapes.
std::map<std::string, Shape> expectedTensors() {
  std::map<std::string, Shape> expected;
  auto addConv = [&](const std::string& prefix, std::int64_t kernel, std::int64_t in, std::int64_t out) {
    expected[prefix + "/conv/filters"] = {kernel, kernel, in, out};
    expected[prefix + "/conv/bias"] = {out};
    expected[prefix + "/scale/weights"] = {out};
    expected[prefix + "/scale/biases"] = {out};
  };
  addConv("conv32_down", 7, 3, 32);
  for (const auto& block : detail::dlibResNetBlocks()) {
    addConv(block.name + "/conv1", 3, block.in, block.out);
    addConv(block.name + "/conv2", 3, block.out, block.out);
  }
  expected["fc"] = {256, 128};
  return expected;
}

std::vector<char> readAll(const fs::path& path) {
  requireRegularFile(path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path.string(), "cannot be read (is the face-api package unpacked?)");
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

/// Decodes the tensors of a TF.js weights manifest, in manifest order.
std::map<std::string, torch::Tensor> decodeManifest(const fs::path& manifestPath, std::string* weightsPath) {
  const std::string manifestName = manifestPath.string();
  nlohmann::json manifest;
  try {
    std::ifstream in(manifestPath);
    if (!in) throw FileError(manifestName, "cannot be read");
    manifest = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(manifestName, std::string("not a TF.js weights manifest (") + e.what() + ")");
  }
  if (!manifest.is_array() || manifest.empty()) throw FileError(manifestName, "not a TF.js weights manifest");

  const auto expected = expectedTensors();
  std::map<std::string, torch::Tensor> tensors;
  try {
    for (const auto& group : manifest) {
      std::vector<char> bytes;
      for (const auto& shard : group.at("paths")) {
        const fs::path shardPath = manifestPath.parent_path() / shard.get<std::string>();
        if (weightsPath) *weightsPath = shardPath.string();
        const std::vector<char> part = readAll(shardPath);
        bytes.insert(bytes.end(), part.begin(), part.end());
      }
      std::size_t offset = 0;
      bool truncated = false;
      for (const auto& entry : group.at("weights")) {
        const std::string name = entry.at("name");
        const Shape shape = entry.at("shape").get<Shape>();
        const auto it = expected.find(name);
        if (it == expected.end()) {
          throw FileError(manifestName, "holds '" + name + "', which dlib's face-recognition ResNet does not have "
                                        "(is this face_recognition_model-weights_manifest.json?)");
        }
        if (it->second != shape) throw FileError(manifestName, "'" + name + "' has another shape than the tower's");
        std::int64_t count = 1;
        for (const std::int64_t d : shape) count *= d;
        torch::Tensor values;
        if (entry.contains("quantization")) {
          const auto& q = entry.at("quantization");
          if (q.at("dtype") != "uint8") throw FileError(manifestName, "'" + name + "' uses a quantisation other than uint8");
          if (offset + std::size_t(count) > bytes.size()) { truncated = true; break; }
          const torch::Tensor raw = torch::from_blob(bytes.data() + offset, {count}, torch::kUInt8);
          values = raw.to(torch::kFloat32) * q.at("scale").get<float>() + q.at("min").get<float>();
          offset += std::size_t(count);
        } else {
          if (entry.at("dtype") != "float32") throw FileError(manifestName, "'" + name + "' is not float32");
          const std::size_t length = std::size_t(count) * 4;
          if (offset + length > bytes.size()) { truncated = true; break; }
          values = torch::empty({count}, torch::kFloat32);
          std::memcpy(values.data_ptr<float>(), bytes.data() + offset, length);  // little-endian, as this machine
          offset += length;
        }
        tensors[name] = values.reshape(shape);
      }
      const std::string shardName = weightsPath ? *weightsPath : manifestName;
      if (truncated) {
        throw FileError(shardName, "is truncated: it holds " + std::to_string(bytes.size()) +
                                       " bytes, fewer than the manifest describes");
      }
      if (offset != bytes.size()) {
        throw FileError(shardName, "holds " + std::to_string(bytes.size()) + " bytes where the manifest describes " +
                                       std::to_string(offset) + " (another file?)");
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw FileError(manifestName, std::string("not a TF.js weights manifest (") + e.what() + ")");
  }
  for (const auto& [name, shape] : expected) {
    if (!tensors.count(name)) throw FileError(manifestName, "lacks the tower's tensor '" + name + "'");
  }
  return tensors;
}

/// Sets `conv` to the TF.js convolution `prefix` followed by its affine layer:
/// w·s and b·s + β per output channel, filters [kh, kw, in, out] → [out, in, kh, kw].
void loadFoldedConv(const std::map<std::string, torch::Tensor>& t, const std::string& prefix,
                    torch::OrderedDict<std::string, torch::Tensor>& params, const std::string& module) {
  const torch::Tensor scale = t.at(prefix + "/scale/weights");
  const torch::Tensor weight = t.at(prefix + "/conv/filters").permute({3, 2, 0, 1}) * scale.view({-1, 1, 1, 1});
  const torch::Tensor bias = t.at(prefix + "/conv/bias") * scale + t.at(prefix + "/scale/biases");
  params[module + ".weight"].copy_(weight);
  params[module + ".bias"].copy_(bias);
}

/// Reads name and version from the package.json one folder above model/, when there.
std::pair<std::string, std::string> packageOf(const fs::path& manifestPath) {
  const fs::path packageJson = manifestPath.parent_path().parent_path() / "package.json";
  try {
    std::ifstream in(packageJson);
    if (!in) return {};
    const auto j = nlohmann::json::parse(in);
    return {j.value("name", ""), j.value("version", "")};
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

}  // namespace

InputSpec faceTowerInput() {
  InputSpec input;
  input.cropSize = 150;
  input.size = 150;
  input.channels = 3;
  input.alignedFaces = true;
  input.padding = 0.25f;
  input.alignment = "dlib-chip";
  input.normalization = "dlib-rgb";
  return input;
}

BundleMetadata importFaceApiTower(const std::string& manifestPath, const std::string& outPath) {
  std::string weightsPath;
  const auto tensors = decodeManifest(manifestPath, &weightsPath);
  const std::string sha256 = sha256OfFile(weightsPath);
  if (sha256 != FaceApiPackage::kWeightsSha256) {
    throw FileError(weightsPath, "has SHA-256 " + sha256 + ", not that of " + FaceApiPackage::kName + " " +
                                     FaceApiPackage::kVersion + " (" + FaceApiPackage::kWeightsSha256 +
                                     "): the file was altered or comes from another release");
  }

  BundleFile bundle;
  BundleMetadata& meta = bundle.metadata;
  meta.name = "dlib face ResNet (face-api 1.7.15)";
  meta.network = NetworkConfig::dlibResNet();
  meta.distance = "euclidean";
  meta.input = faceTowerInput();
  meta.threshold.value = 0.6;
  meta.threshold.method = "manual";
  meta.threshold.chosenOn = "dlib's published threshold for this network";
  meta.training.dataset = "about 3 million faces of 7,485 people (FaceScrub, VGG-Face and web photos)";
  meta.training.loss = "pair-wise hinge on the distance (dlib's loss_metric), by Davis King";

  const auto [packageName, packageVersion] = packageOf(manifestPath);
  meta.source.origin = std::string("npm package ") + (packageName.empty() ? FaceApiPackage::kName : packageName) +
                       ", model/face_recognition_model.bin: dlib_face_recognition_resnet_model_v1 by Davis King, "
                       "converted to TF.js (uint8-quantised) by face-api.js";
  meta.source.version = packageVersion.empty() ? FaceApiPackage::kVersion : packageVersion;
  meta.source.sha256 = sha256;
  meta.source.licence = "weights: public domain (CC0 1.0, dlib-models); package: MIT";
  meta.source.trainingData =
      "about 3 million faces of 7,485 people from FaceScrub, the VGG-Face data set and web photos; per the "
      "dlib-models README, people in LFW were avoided, so LFW scores are fair on its author's word";
  meta.source.reference = "99.38% on LFW (dlib's float weights, dlib-models README and dlib.net, 2017)";

  detail::SiameseModel model = detail::makeModel(meta.network, false);
  {
    torch::NoGradGuard noGrad;
    auto params = model.net->named_parameters();
    loadFoldedConv(tensors, "conv32_down", params, "tower.conv32_down");
    for (const auto& block : detail::dlibResNetBlocks()) {
      loadFoldedConv(tensors, block.name + "/conv1", params, "tower." + block.name + ".conv1");
      loadFoldedConv(tensors, block.name + "/conv2", params, "tower." + block.name + ".conv2");
    }
    params["tower.fc.weight"].copy_(tensors.at("fc").t());
  }
  bundle.weights = detail::serializeModel(model);
  writeBundle(outPath, bundle);
  return bundle.metadata;
}

}  // namespace siamese
