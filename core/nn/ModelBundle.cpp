#include "nn/ModelBundle.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "common/Crc32.h"
#include "common/Error.h"
#include "common/Hash.h"

namespace siamese {
namespace {

constexpr char kMagic[8] = {'S', 'I', 'A', 'M', 'M', 'O', 'D', 'L'};
constexpr std::uint32_t kVersion = 1;

void putLe(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(char((v >> (8 * i)) & 0xFF));
}

std::uint64_t getLe(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t(p[i]) << (8 * i);
  return v;
}

}  // namespace

std::string modelIdOf(const std::string& weights) { return fnv1aHex(weights.data(), weights.size()); }

std::string modelIdOf(const std::string& weights, const InputSpec& input, const Int8Calibration& int8, bool bfloat16) {
  // Bundles without these settings keep the id of their weights alone,
  // which is what every bundle had before the settings existed.
  std::string identity = weights;
  if (input.mirrorAverage) identity += "\nmirror-average";
  if (!int8.empty()) {
    identity += "\nint8";
    identity.append(reinterpret_cast<const char*>(int8.ranges.data()), int8.ranges.size() * sizeof(float));
    if (!int8.biasCorrections.empty()) {
      identity += "\nbias-corrections";
      identity.append(reinterpret_cast<const char*>(int8.biasCorrections.data()),
                      int8.biasCorrections.size() * sizeof(float));
    }
  }
  if (bfloat16) identity += "\nbfloat16";
  return modelIdOf(identity);
}

std::string BundleMetadata::toJson() const {
  nlohmann::json j;
  j["model_id"] = modelId;
  j["name"] = name;
  j["network"] = nlohmann::json::parse(network.toJson());
  j["distance"] = distance;
  j["input"] = {{"crop_size", input.cropSize}, {"size", input.size}, {"channels", input.channels}, {"aligned_faces", input.alignedFaces},
                {"padding", input.padding}, {"mirror_average", input.mirrorAverage}, {"alignment", input.alignment},
                {"normalisation", input.normalization}};
  j["threshold"] = {{"value", threshold.value}, {"method", threshold.method}, {"chosen_on", threshold.chosenOn}};
  j["training"] = {{"dataset", training.dataset}, {"people", training.people}, {"photos", training.photos},
                   {"identities", training.identities}, {"loss", training.loss}, {"epochs", training.epochs},
                   {"seconds", training.seconds}, {"config", training.configJson},
                   {"finished_at", training.finishedAt}};
  if (!training.initialisedFrom.empty()) j["training"]["initialised_from"] = training.initialisedFrom;
  if (!source.empty()) {
    j["source"] = {{"origin", source.origin}, {"version", source.version}, {"sha256", source.sha256},
                   {"licence", source.licence}, {"training_data", source.trainingData},
                   {"reference", source.reference}};
  }
  if (!int8.empty()) {
    j["int8"] = {{"ranges", int8.ranges}, {"calibrated_on", int8.calibratedOn}, {"crops", int8.crops},
                 {"ranges_from", int8.rangesFrom}};
    if (!int8.biasCorrections.empty()) j["int8"]["bias_corrections"] = int8.biasCorrections;
  }
  if (bfloat16) j["precision"] = "bfloat16";
  j["metrics"] = metrics;
  return j.dump(2);
}

BundleMetadata BundleMetadata::fromJson(const std::string& text) {
  BundleMetadata m;
  try {
    const auto j = nlohmann::json::parse(text);
    m.modelId = j.value("model_id", "");
    m.name = j.value("name", "");
    m.network = NetworkConfig::fromJson(j.at("network").dump());
    m.distance = j.value("distance", "euclidean");
    const auto& in = j.at("input");
    m.input.size = in.at("size");
    m.input.cropSize = in.value("crop_size", m.input.size);
    m.input.channels = in.at("channels");
    m.input.alignedFaces = in.value("aligned_faces", true);
    m.input.padding = in.value("padding", 0.1f);
    m.input.mirrorAverage = in.value("mirror_average", false);
    m.input.alignment = in.value("alignment", "template");
    // Bundles before the dlib tower wrote a description of the one scaling there was.
    const std::string normalisation = in.value("normalisation", "unit-range");
    m.input.normalization = normalisation == "dlib-rgb" ? "dlib-rgb" : "unit-range";
    if (m.input.alignment != "template" && m.input.alignment != "dlib-chip") {
      throw Error("unknown face alignment '" + m.input.alignment + "'");
    }
    if (const auto s = j.find("source"); s != j.end()) {
      m.source.origin = s->value("origin", "");
      m.source.version = s->value("version", "");
      m.source.sha256 = s->value("sha256", "");
      m.source.licence = s->value("licence", "");
      m.source.trainingData = s->value("training_data", "");
      m.source.reference = s->value("reference", "");
    }
    const auto& t = j.at("threshold");
    m.threshold.value = t.at("value");
    m.threshold.method = t.value("method", "");
    m.threshold.chosenOn = t.value("chosen_on", "");
    const auto& tr = j.at("training");
    m.training.dataset = tr.value("dataset", "");
    m.training.people = tr.value("people", 0);
    m.training.photos = tr.value("photos", 0);
    m.training.identities = tr.value("identities", std::vector<std::string>{});
    m.training.loss = tr.value("loss", "");
    m.training.epochs = tr.value("epochs", 0);
    m.training.seconds = tr.value("seconds", 0.0);
    m.training.configJson = tr.value("config", "");
    m.training.finishedAt = tr.value("finished_at", "");
    m.training.initialisedFrom = tr.value("initialised_from", "");
    if (const auto q = j.find("int8"); q != j.end()) {
      m.int8.ranges = q->at("ranges").get<std::vector<float>>();
      m.int8.calibratedOn = q->value("calibrated_on", "");
      m.int8.crops = q->value("crops", 0);
      m.int8.rangesFrom = q->value("ranges_from", "min-max");
      if (const auto c = q->find("bias_corrections"); c != q->end()) m.int8.biasCorrections = c->get<std::vector<float>>();
      if (m.int8.ranges.size() % 2 != 0) throw Error("the 8-bit calibration's ranges do not come in pairs");
    }
    const std::string precision = j.value("precision", "");
    if (!precision.empty() && precision != "bfloat16") throw Error("unknown precision '" + precision + "'");
    m.bfloat16 = precision == "bfloat16";
    if (m.bfloat16 && !m.int8.empty()) throw Error("a model cannot embed both in bfloat16 and in 8-bit integers");
    m.metrics = j.value("metrics", std::map<std::string, double>{});
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed model description: ") + e.what());
  }
  if (m.distance != "euclidean" && m.distance != "koch") throw Error("unknown distance '" + m.distance + "'");
  return m;
}

void writeBundle(const std::string& path, BundleFile& bundle) {
  if (bundle.metadata.bfloat16 && !bundle.metadata.int8.empty()) {
    throw FileError(path, "a model cannot embed both in bfloat16 and in 8-bit integers");
  }
  bundle.metadata.modelId =
      modelIdOf(bundle.weights, bundle.metadata.input, bundle.metadata.int8, bundle.metadata.bfloat16);
  const std::string json = bundle.metadata.toJson();
  std::string out(kMagic, sizeof kMagic);
  putLe(out, kVersion, 4);
  putLe(out, json.size(), 4);
  out += json;
  putLe(out, bundle.weights.size(), 8);
  out += bundle.weights;
  putLe(out, crc32(out.data(), out.size()), 4);
  writeFileAtomically(path, out);
}

BundleFile readBundle(const std::string& path) { return parseBundle(readFileBytes(path), path); }

BundleFile parseBundle(const std::vector<std::uint8_t>& bytes, const std::string& path) {
  const std::size_t size = bytes.size();
  if (size < 16 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    throw FileError(path, "not a Siamese Studio model bundle");
  }
  const auto version = std::uint32_t(getLe(bytes.data() + 8, 4));
  if (version == 0 || version > kVersion) {
    throw FileError(path, "model bundle version " + std::to_string(version) + " is not one this program reads");
  }
  const std::size_t jsonLength = getLe(bytes.data() + 12, 4);
  const std::size_t weightsAt = 16 + jsonLength + 8;
  if (size < weightsAt) throw FileError(path, "the model bundle is truncated (in its description)");
  // 64 bits from the file: compared with what is there before any sum that
  // could wrap round.
  const std::uint64_t weightsLength = getLe(bytes.data() + 16 + jsonLength, 8);
  const std::size_t after = size - weightsAt;  // weights and checksum
  if (after < 4 || weightsLength != after - 4) {
    throw FileError(path, after < 4 || weightsLength > after - 4 ? "the model bundle is truncated (in its weights)"
                                                                 : "the model bundle has trailing bytes");
  }
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION  // a fuzzer cannot forge checksums: let it reach the description
  if (std::uint32_t(getLe(bytes.data() + size - 4, 4)) != crc32(bytes.data(), size - 4)) {
    throw FileError(path, "the model bundle is corrupt (checksum mismatch)");
  }
#endif
  BundleFile bundle;
  try {
    bundle.metadata = BundleMetadata::fromJson(std::string(reinterpret_cast<const char*>(bytes.data() + 16), jsonLength));
  } catch (const Error& e) {
    throw FileError(path, e.what());
  }
  bundle.weights.assign(reinterpret_cast<const char*>(bytes.data() + weightsAt), weightsLength);
  return bundle;
}

}  // namespace siamese
