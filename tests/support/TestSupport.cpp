#include "support/TestSupport.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <stdexcept>

#include "data/LfwPairs.h"
#include "live/SyntheticScene.h"
#include "live/VideoFileWriter.h"
#include "nn/EuclideanDistance.h"
#include "nn/ModelBundle.h"
#include "vision/CvInterop.h"
#include "vision/ImageIO.h"

namespace siamese::test {
namespace fs = std::filesystem;

std::string dataDir() {
  if (const char* env = std::getenv("SIAMESE_DATA"); env && *env) return env;
  return SIAMESE_SHARED_DATA_DIR;
}

std::string data(const std::string& relative) { return dataDir() + "/" + relative; }

std::string lfwPhoto(const std::string& person, int number) {
  return lfwImagePath(data("lfw/images"), person, number);
}

bool haveData(const std::string& relative) { return fs::exists(data(relative)); }

ScratchDir::ScratchDir() {
  std::string pattern = (fs::temp_directory_path() / "siamese-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a scratch folder");
  m_path = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

std::string ScratchDir::file(const std::string& name) const { return m_path + "/" + name; }

void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

void writeText(const std::string& path, const std::string& text) {
  writeBytes(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

std::vector<std::uint8_t> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<MadeUpFace> photosOf(const std::vector<std::string>& people, int photosEach) {
  std::vector<MadeUpFace> faces;
  for (const std::string& person : people) {
    for (int photo = 0; photo < photosEach; ++photo) faces.push_back({person, person + "/" + std::to_string(photo)});
  }
  return faces;
}

void writeFlatFaceCache(const std::string& path, const CacheSettings& settings, const std::vector<MadeUpFace>& faces,
                        std::uint8_t grey) {
  const std::vector<std::uint8_t> pixels(std::size_t(settings.cropSize) * std::size_t(settings.cropSize) *
                                             std::size_t(settings.channels),
                                         grey);
  FaceCacheWriter writer(path, settings, /*resume=*/false);
  for (const MadeUpFace& made : faces) {
    CachedFace face;
    face.source = made.source;
    writer.addFace(face, made.person, pixels.data());
  }
}

std::string writeLfwCacheOfPeopleTrainedOn(const BundleMetadata& model, std::size_t count, const std::string& path) {
  CacheSettings settings;
  settings.cropSize = 250;
  settings.channels = 3;
  settings.alignment = "dlib-chip";
  settings.datasetRoot = data("lfw/images");
  FaceCacheWriter writer(path, settings, /*resume=*/false);
  std::size_t written = 0;
  for (const std::string& person : model.training.identities) {
    for (int n = 1; written < count && fs::exists(lfwPhoto(person, n)); ++n, ++written) {
      const Image photo = loadImage(lfwPhoto(person, n));
      if (photo.width() != 250 || photo.height() != 250 || photo.channels() != 3) {
        throw Error("an LFW photo that is not 250 px colour: " + lfwPhoto(person, n));
      }
      std::vector<std::uint8_t> pixels;
      for (int y = 0; y < photo.height(); ++y) pixels.insert(pixels.end(), photo.row(y), photo.row(y) + 250 * 3);
      CachedFace face;
      face.source = person + "/" + std::to_string(n);
      writer.addFace(face, person, pixels.data());
    }
    if (written == count) break;
  }
  if (written < count) {
    throw Error("the people " + path + " is made of have " + std::to_string(written) + " LFW photos, not " +
                std::to_string(count));
  }
  return path;
}

std::vector<std::uint8_t> encode(const Image& image, const std::string& extension) {
  std::vector<std::uint8_t> bytes;
  cv::imencode(extension, detail::asMat(image), bytes);
  return bytes;
}

double meanAbsDifference(const Image& a, const Image& b) {
  cv::Mat diff;
  cv::absdiff(detail::asMat(a), detail::asMat(b), diff);
  const cv::Scalar mean = cv::mean(diff);
  double sum = 0;
  for (int c = 0; c < a.channels(); ++c) sum += mean[c];
  return sum / a.channels();
}

std::vector<std::uint8_t> withExifOrientation(const std::vector<std::uint8_t>& jpeg, int orientation) {
  // APP1: "Exif\0\0", a big-endian TIFF header, one IFD with one entry:
  // tag 0x0112 (Orientation), type SHORT, count 1, value.
  const std::vector<std::uint8_t> payload = {
      'E', 'x', 'i', 'f', 0, 0,                  // EXIF identifier
      'M', 'M', 0, 42, 0, 0, 0, 8,               // TIFF header, IFD at offset 8
      0, 1,                                      // one entry
      0x01, 0x12, 0, 3, 0, 0, 0, 1,              // Orientation, SHORT, count 1
      0, std::uint8_t(orientation), 0, 0,        // value
      0, 0, 0, 0};                               // no next IFD
  const std::size_t length = payload.size() + 2;
  std::vector<std::uint8_t> out(jpeg.begin(), jpeg.begin() + 2);  // SOI
  out.push_back(0xFF);
  out.push_back(0xE1);
  out.push_back(std::uint8_t(length >> 8));
  out.push_back(std::uint8_t(length & 0xFF));
  out.insert(out.end(), payload.begin(), payload.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

std::vector<std::uint8_t> pngHeaderOnly(std::uint32_t width, std::uint32_t height) {
  std::vector<std::uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  for (std::uint32_t v : {width, height}) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(v >> shift));
  }
  const std::uint8_t rest[] = {8, 2, 0, 0, 0, 0, 0, 0, 0};  // depth, colour type, ..., CRC (not checked first)
  out.insert(out.end(), std::begin(rest), std::end(rest));
  return out;
}

Image sideBySide(const std::vector<Image>& photos) {
  std::vector<cv::Mat> mats;
  const int height = photos.front().height();
  for (const Image& p : photos) {
    cv::Mat m = detail::asMat(p);
    if (m.rows != height) cv::resize(m, m, cv::Size(m.cols * height / m.rows, height));
    mats.push_back(m);
  }
  cv::Mat joined;
  cv::hconcat(mats, joined);
  return detail::fromMat(joined);
}

int runCommand(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string cliPath() { return SIAMESE_CLI_PATH; }

std::string runCli(const std::string& arguments, int expectedExit) {
  std::string output;
  const int code = runCommand(cliPath() + " " + arguments, output);
  EXPECT_EQ(code, expectedExit) << arguments << "\n" << output;
  return output;
}

double euclideanDistance(const std::vector<float>& a, const std::vector<float>& b) {
  return siamese::euclideanDistance(a, b);
}

std::string writeGulVideo(const ScratchDir& dir, int frames) {
  SceneActor gul{loadImage(lfwPhoto("Abdullah_Gul", 1)), "Abdullah Gul", 200, 220, 420, 260, 220, 0, frames - 1};
  const SyntheticScene scene(640, 480, {gul});
  const std::string path = dir.file("gul.avi");
  VideoFileWriter writer(path, 30);
  for (int f = 0; f < frames; ++f) writer.write(scene.render(f));
  writer.close();
  return path;
}

std::string writeVisitorsVideo(const ScratchDir& dir) {
  // Each appearance is 45 frames with a gap between: a new track each time.
  const auto actor = [](const std::string& person, int photo, const std::string& label, int first) {
    return SceneActor{loadImage(lfwPhoto(person, photo)), label, 220, 230, 420, 250, 190, first, first + 44};
  };
  const SyntheticScene scene(640, 480,
                             {actor("Tony_Blair", 1, "unknown", 0), actor("Colin_Powell", 2, "Colin Powell", 55),
                              actor("Serena_Williams", 1, "unknown", 110), actor("Tony_Blair", 2, "unknown", 165),
                              actor("Colin_Powell", 5, "Colin Powell", 220), actor("Serena_Williams", 2, "unknown", 275)});
  const std::string path = dir.file("visitors.avi");
  VideoFileWriter writer(path, 30);
  for (int f = 0; f < 320; ++f) writer.write(scene.render(f));
  writer.close();
  return path;
}

std::string defaultModel() { return std::string(SIAMESE_MODELS_DIR) + "/default.siamese"; }

std::string faceTower() { return SIAMESE_FACE_TOWER; }

std::string faceApiPackageDir() {
  const char* cache = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const std::string base = cache && *cache ? cache : std::string(home ? home : ".") + "/.cache";
  return base + "/siamese-studio/face-api-1.7.15/package";
}

}  // namespace siamese::test
