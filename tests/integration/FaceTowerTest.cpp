// The pretrained face tower: the import refuses what is not the tower, the
// LibTorch conversion computes what face-api's own JavaScript computes, and
// the crop it is fed is dlib's chip.

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "common/Hash.h"
#include "gallery/Enrolment.h"
#include "nn/Embedder.h"
#include "nn/FaceTowerImport.h"
#include "prep/FacePreparer.h"
#include "support/TestSupport.h"
#include "vision/FaceAligner.h"
#include "vision/ImageIO.h"
#include "vision/CvInterop.h"

namespace siamese {
namespace {

namespace fs = std::filesystem;

const std::string kManifest = "face_recognition_model-weights_manifest.json";
const std::string kWeights = "face_recognition_model.bin";

std::string packageModelDir() { return test::faceApiPackageDir() + "/model"; }

#define REQUIRE_PACKAGE()                                                                         \
  do {                                                                                            \
    if (!fs::exists(packageModelDir() + "/" + kWeights)) GTEST_SKIP() << "no face-api package";   \
  } while (0)

/// A copy of the package's manifest and weights in `dir`, the weights passed through `edit`.
void copyPackage(const test::ScratchDir& dir, const std::function<void(std::vector<std::uint8_t>&)>& edit) {
  fs::copy_file(packageModelDir() + "/" + kManifest, dir.file(kManifest));
  std::vector<std::uint8_t> weights = test::readBytes(packageModelDir() + "/" + kWeights);
  edit(weights);
  test::writeBytes(dir.file(kWeights), weights);
}

TEST(FaceTowerImport, RefusesAForeignManifestNamingIt) {
  test::ScratchDir dir;
  test::writeText(dir.file(kManifest),
                  R"([{"paths":["w.bin"],"weights":[{"name":"dense/kernel","shape":[4,2],"dtype":"float32"}]}])");
  test::writeBytes(dir.file("w.bin"), std::vector<std::uint8_t>(32, 0));
  const std::string message = test::errorMessage([&] { importFaceApiTower(dir.file(kManifest), dir.file("t.siamese")); });
  EXPECT_TRUE(test::contains(message, dir.file(kManifest))) << message;
  EXPECT_TRUE(test::contains(message, "dense/kernel")) << message;
  EXPECT_FALSE(fs::exists(dir.file("t.siamese")));

  test::writeText(dir.file("not-json.json"), "<html>not a manifest</html>");
  const std::string notJson = test::errorMessage([&] { importFaceApiTower(dir.file("not-json.json"), dir.file("t.siamese")); });
  EXPECT_TRUE(test::contains(notJson, "not a TF.js weights manifest")) << notJson;
}

TEST(FaceTowerImport, RefusesATruncatedWeightFileNamingIt) {
  REQUIRE_PACKAGE();
  test::ScratchDir dir;
  copyPackage(dir, [](std::vector<std::uint8_t>& w) { w.resize(w.size() / 2); });
  const std::string message = test::errorMessage([&] { importFaceApiTower(dir.file(kManifest), dir.file("t.siamese")); });
  EXPECT_TRUE(test::contains(message, dir.file(kWeights))) << message;
  EXPECT_TRUE(test::contains(message, "truncated")) << message;
  EXPECT_FALSE(fs::exists(dir.file("t.siamese")));
}

TEST(FaceTowerImport, RefusesAlteredWeightsNamingThem) {
  REQUIRE_PACKAGE();
  test::ScratchDir dir;
  copyPackage(dir, [](std::vector<std::uint8_t>& w) { w[w.size() / 2] ^= 0x5a; });
  const std::string message = test::errorMessage([&] { importFaceApiTower(dir.file(kManifest), dir.file("t.siamese")); });
  EXPECT_TRUE(test::contains(message, dir.file(kWeights))) << message;
  EXPECT_TRUE(test::contains(message, "SHA-256")) << message;
  EXPECT_FALSE(fs::exists(dir.file("t.siamese")));
}

TEST(FaceTowerImport, BundleStatesItsInputAndItsOrigin) {
  SIAMESE_REQUIRE_FACE_TOWER();
  const BundleMetadata meta = readBundle(test::faceTower()).metadata;
  EXPECT_EQ(meta.network.architecture, "dlib-resnet");
  EXPECT_EQ(meta.input.alignment, "dlib-chip");
  EXPECT_EQ(meta.input.normalization, "dlib-rgb");
  EXPECT_EQ(meta.input.size, 150);
  EXPECT_FLOAT_EQ(meta.input.padding, 0.25f);
  EXPECT_EQ(meta.distance, "euclidean");
  EXPECT_DOUBLE_EQ(meta.threshold.value, 0.6);
  EXPECT_EQ(meta.source.sha256, FaceApiPackage::kWeightsSha256);
  EXPECT_EQ(meta.source.version, "1.7.15");
  EXPECT_TRUE(test::contains(meta.source.licence, "CC0")) << meta.source.licence;
  EXPECT_TRUE(test::contains(meta.source.trainingData, "LFW")) << meta.source.trainingData;
}

// --- Agreement with face-api's own output (tests/reference, recorded by
// scripts/face-api-reference.cjs) ---

struct Reference {
  std::string name;
  std::string rgbHash;
  std::vector<float> descriptor;
};

std::vector<Reference> references() {
  std::ifstream in(std::string(SIAMESE_TEST_SOURCE_DIR) + "/reference/face-api-descriptors.json");
  const auto j = nlohmann::json::parse(in);
  std::vector<Reference> out;
  for (const auto& r : j.at("inputs")) out.push_back({r.at("name"), r.at("rgb_fnv1a"), r.at("descriptor")});
  return out;
}

/// Synthetic image k as the reference script computes it, as a BGR Image.
Image synthetic(int k) {
  Image image(150, 150, 3);
  for (int y = 0; y < 150; ++y) {
    for (int x = 0; x < 150; ++x) {
      for (int c = 0; c < 3; ++c) {
        const int value = (x * (3 + k) + y * (5 + 2 * k) + c * 71 + k * 37 + ((x * y) % (11 + k)) * 7) % 256;
        image.row(y)[x * 3 + (2 - c)] = std::uint8_t(value);  // c is RGB; the Image is BGR
      }
    }
  }
  return image;
}

std::string rgbHash(const Image& bgr) {
  cv::Mat rgb;
  cv::cvtColor(detail::asMat(bgr), rgb, cv::COLOR_BGR2RGB);
  return fnv1aHex(rgb.data, rgb.total() * rgb.elemSize());
}

double maxAbsDifference(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) worst = std::max(worst, double(std::abs(a[i] - b[i])));
  return worst;
}

TEST(FaceTowerReference, ReproducesFaceApiOnSyntheticInputs) {
  SIAMESE_REQUIRE_FACE_TOWER();
  auto embedder = Embedder::load(test::faceTower(), DevicePreference::Cpu);
  int checked = 0;
  for (const Reference& ref : references()) {
    if (ref.name.rfind("synthetic-", 0) != 0) continue;
    const Image input = synthetic(std::stoi(ref.name.substr(10)));
    ASSERT_EQ(rgbHash(input), ref.rgbHash) << ref.name << ": the formula drifted from the script's";
    const double worst = maxAbsDifference(embedder->embed({input})[0], ref.descriptor);
    std::printf("%s: largest difference from face-api %.2e\n", ref.name.c_str(), worst);
    EXPECT_LT(worst, 1e-3) << ref.name;
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(FaceTowerReference, ReproducesFaceApiOnLfwChips) {
  SIAMESE_REQUIRE_FACE_TOWER();
  SIAMESE_REQUIRE_DATA("lfw/images");
  auto embedder = Embedder::load(test::faceTower(), DevicePreference::Cpu);
  FacePreparer preparer(prepareOptionsForModel(embedder->metadata()), true);
  int checked = 0;
  for (const Reference& ref : references()) {
    if (ref.name.rfind("synthetic-", 0) == 0) continue;
    const std::string person = ref.name.substr(0, ref.name.size() - 5);
    const PreparedFace face = preparer.prepare(loadImage(test::lfwPhoto(person, std::stoi(ref.name.substr(ref.name.size() - 4)))));
    ASSERT_TRUE(face.ok) << ref.name;
    // The same chip as the one the script was given, byte for byte.
    ASSERT_EQ(rgbHash(face.face.crop), ref.rgbHash) << ref.name;
    const double worst = maxAbsDifference(embedder->embed({face.face.crop})[0], ref.descriptor);
    std::printf("%s: largest difference from face-api %.2e\n", ref.name.c_str(), worst);
    EXPECT_LT(worst, 1e-3) << ref.name;
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

// --- The chip ---

TEST(FaceTowerChip, IsDlibsExtractImageChip) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  PrepareOptions options;
  options.align.method = AlignMethod::DlibChip;
  options.align.cropSize = 150;
  options.align.padding = 0.25f;
  options.align.colour = true;
  FacePreparer preparer(options, true);
  dlib::shape_predictor predictor;
  dlib::deserialize(defaultLandmarkModelPath()) >> predictor;
  for (const auto& [person, number] : std::vector<std::pair<std::string, int>>{
           {"Aaron_Peirsol", 1}, {"Serena_Williams", 3}, {"Colin_Powell", 7}}) {
    const Image photo = loadImage(test::lfwPhoto(person, number));
    const PreparedFace face = preparer.prepare(photo);
    ASSERT_TRUE(face.ok) << person;
    EXPECT_EQ(face.face.crop.width(), 150);
    EXPECT_EQ(face.face.crop.channels(), 3);
    // dlib's own recipe (dnn_face_recognition_ex.cpp) on the same detection.
    const cv::Mat source = detail::asMat(photo);
    const dlib::cv_image<dlib::bgr_pixel> image(source);
    const dlib::rectangle rect(long(std::lround(face.box.x)), long(std::lround(face.box.y)),
                               long(std::lround(face.box.x + face.box.width)) - 1,
                               long(std::lround(face.box.y + face.box.height)) - 1);
    dlib::matrix<dlib::bgr_pixel> chip;
    dlib::extract_image_chip(image, dlib::get_face_chip_details(predictor(image, rect), 150, 0.25), chip);
    ASSERT_EQ(chip.nr(), 150);
    long differing = 0;
    for (long y = 0; y < 150; ++y) {
      for (long x = 0; x < 150; ++x) {
        const std::uint8_t* ours = face.face.crop.row(int(y)) + x * 3;
        const dlib::bgr_pixel& theirs = chip(y, x);
        differing += ours[0] != theirs.blue || ours[1] != theirs.green || ours[2] != theirs.red;
      }
    }
    EXPECT_EQ(differing, 0) << person;
    // A chip is not a template crop: the same face cut the project's own way differs.
    PrepareOptions templateOptions = options;
    templateOptions.align.method = AlignMethod::Template;
    const PreparedFace templ = FacePreparer(templateOptions, true).prepare(photo);
    EXPECT_GT(test::meanAbsDifference(templ.face.crop, face.face.crop), 5.0) << person;
  }
}

}  // namespace
}  // namespace siamese
