#include "data/Dataset.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "data/MnistReader.h"

namespace siamese {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

std::vector<fs::path> sortedEntries(const fs::path& dir) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec)) {
    entries.push_back(entry.path());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// The photos in `dir`. Entries that are not files (a folder inside a
// person's folder, a named pipe, a broken link) go to `skipped`, described;
// other files (notes, thumbnails) are left out without a word.
std::vector<fs::path> imageFilesIn(const fs::path& dir, std::vector<std::string>* skipped = nullptr) {
  std::vector<fs::path> files;
  for (const auto& path : sortedEntries(dir)) {
    const std::string what = whyNotARegularFile(path.string());
    if (what.empty()) {
      if (hasImageExtension(path.string())) files.push_back(path);
    } else if (skipped) {
      skipped->push_back(path.string() + ": " + what);
    }
  }
  return files;
}

// Builds the Dataset from (person name, source) pairs: people sorted by name,
// samples sorted by person then source, small classes dropped.
Dataset assemble(std::string root, DatasetFormat format,
                 std::map<std::string, std::vector<Sample>> byPerson, int minPhotos) {
  // Sources are sorted by text here; MNIST re-sorts its own numerically.
  Dataset dataset;
  dataset.root = std::move(root);
  dataset.format = format;
  for (auto& [name, samples] : byPerson) {
    if (int(samples.size()) < std::max(1, minPhotos)) continue;
    const int index = int(dataset.people.size());
    dataset.people.push_back(name);
    std::sort(samples.begin(), samples.end(),
              [](const Sample& a, const Sample& b) { return a.source < b.source; });
    for (Sample& s : samples) {
      s.person = index;
      dataset.samples.push_back(std::move(s));
    }
  }
  return dataset;
}

Dataset readFolderPerPerson(const fs::path& root, int minPhotos) {
  std::map<std::string, std::vector<Sample>> byPerson;
  std::vector<std::string> skipped;
  for (const auto& dir : sortedEntries(root)) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& file : imageFilesIn(dir, &skipped)) {
      byPerson[dir.filename().string()].push_back(Sample{file.string(), 0, nullptr});
    }
  }
  Dataset dataset = assemble(root.string(), DatasetFormat::FolderPerPerson, std::move(byPerson), minPhotos);
  dataset.skipped = std::move(skipped);
  return dataset;
}

Dataset readFileNamePattern(const fs::path& root, const std::string& pattern, int minPhotos) {
  std::regex re;
  try {
    re = std::regex(pattern);
  } catch (const std::regex_error& e) {
    throw Error("bad file-name pattern '" + pattern + "': " + e.what());
  }
  std::map<std::string, std::vector<Sample>> byPerson;
  for (const auto& file : sortedEntries(root)) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    std::smatch match;
    const std::string name = file.filename().string();
    if (std::regex_match(name, match, re) && match.size() > 1) {
      byPerson[match[1].str()].push_back(Sample{file.string(), 0, nullptr});
    }
  }
  return assemble(root.string(), DatasetFormat::FileNamePattern, std::move(byPerson), minPhotos);
}

Dataset readOmniglot(const fs::path& root, int minPhotos) {
  // Each character of each alphabet is one class: "Alphabet/characterNN".
  std::map<std::string, std::vector<Sample>> byPerson;
  for (const auto& alphabet : sortedEntries(root)) {
    std::error_code ec;
    if (!fs::is_directory(alphabet, ec)) continue;
    for (const auto& character : sortedEntries(alphabet)) {
      if (!fs::is_directory(character, ec)) continue;
      const std::string name = alphabet.filename().string() + "/" + character.filename().string();
      for (const auto& file : imageFilesIn(character)) byPerson[name].push_back(Sample{file.string(), 0, nullptr});
    }
  }
  Dataset dataset = assemble(root.string(), DatasetFormat::Omniglot, std::move(byPerson), minPhotos);
  dataset.facePhotos = false;
  return dataset;
}

Dataset readMnistFolder(const fs::path& root, int minPhotos) {
  const fs::path images = root / "t10k-images-idx3-ubyte";
  const fs::path labels = root / "t10k-labels-idx1-ubyte";
  const MnistData mnist = readMnist(images.string(), labels.string());
  std::map<std::string, std::vector<Sample>> byPerson;
  for (std::size_t i = 0; i < mnist.images.size(); ++i) {
    auto pixels = std::make_shared<const Image>(mnist.images[i]);
    byPerson["digit " + std::to_string(mnist.labels[i])].push_back(
        Sample{images.string() + "#" + std::to_string(i), 0, std::move(pixels)});
  }
  Dataset dataset = assemble(root.string(), DatasetFormat::Mnist, std::move(byPerson), minPhotos);
  dataset.facePhotos = false;
  // Sources sort as text ("#10" before "#2"); keep the file's order instead.
  std::stable_sort(dataset.samples.begin(), dataset.samples.end(), [](const Sample& a, const Sample& b) {
    if (a.person != b.person) return a.person < b.person;
    return std::stoul(a.source.substr(a.source.rfind('#') + 1)) <
           std::stoul(b.source.substr(b.source.rfind('#') + 1));
  });
  return dataset;
}

Dataset readIdentityList(const fs::path& imagesDir, const std::string& listFile, int minPhotos) {
  requireRegularFile(listFile);
  std::ifstream in(listFile);
  if (!in) throw Error("cannot open identity list " + listFile);
  std::map<std::string, std::vector<Sample>> byPerson;
  std::string line;
  int lineNumber = 0;
  while (std::getline(in, line)) {
    ++lineNumber;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string image, identity;
    if (!(fields >> image >> identity)) {
      throw Error(listFile + ":" + std::to_string(lineNumber) + ": expected '<image> <identity>', got '" + line + "'");
    }
    byPerson[identity].push_back(Sample{(imagesDir / image).string(), 0, nullptr});
  }
  return assemble(imagesDir.string(), DatasetFormat::IdentityList, std::move(byPerson), minPhotos);
}

}  // namespace

bool hasImageExtension(const std::string& path) {
  static const char* const kExtensions[] = {".jpg", ".jpeg", ".png", ".pgm", ".ppm", ".pbm", ".bmp",
                                            ".gif", ".tif", ".tiff", ".webp"};
  const std::string ext = lower(fs::path(path).extension().string());
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

DatasetFormat parseDatasetFormat(const std::string& name) {
  if (name == "auto") return DatasetFormat::Auto;
  if (name == "folders") return DatasetFormat::FolderPerPerson;
  if (name == "pattern") return DatasetFormat::FileNamePattern;
  if (name == "omniglot") return DatasetFormat::Omniglot;
  if (name == "mnist") return DatasetFormat::Mnist;
  if (name == "identity-list") return DatasetFormat::IdentityList;
  throw Error("unknown data-set format '" + name +
              "' (choose auto, folders, pattern, omniglot, mnist or identity-list)");
}

std::string datasetFormatName(DatasetFormat format) {
  switch (format) {
    case DatasetFormat::Auto: return "auto";
    case DatasetFormat::FolderPerPerson: return "folders";
    case DatasetFormat::FileNamePattern: return "pattern";
    case DatasetFormat::Omniglot: return "omniglot";
    case DatasetFormat::Mnist: return "mnist";
    case DatasetFormat::IdentityList: return "identity-list";
  }
  return "?";
}

std::vector<int> Dataset::countsPerPerson() const {
  std::vector<int> counts(people.size(), 0);
  for (const Sample& s : samples) ++counts[std::size_t(s.person)];
  return counts;
}

DatasetFormat detectDatasetFormat(const std::string& root) {
  const fs::path dir(root);
  std::error_code ec;
  if (fs::exists(dir / "t10k-images-idx3-ubyte", ec)) return DatasetFormat::Mnist;
  bool anySubdir = false, anyNestedSubdir = false, subdirHasImages = false, anyPatternFile = false;
  static const std::regex kYale(R"(^subject\d+\..+$)");
  for (const auto& entry : sortedEntries(dir)) {
    if (fs::is_directory(entry, ec)) {
      anySubdir = true;
      for (const auto& inner : sortedEntries(entry)) {
        if (fs::is_directory(inner, ec)) anyNestedSubdir = true;
        else if (hasImageExtension(inner.string())) subdirHasImages = true;
      }
    } else if (std::regex_match(entry.filename().string(), kYale)) {
      anyPatternFile = true;
    }
  }
  if (anySubdir && !subdirHasImages && anyNestedSubdir) return DatasetFormat::Omniglot;
  if (anySubdir) return DatasetFormat::FolderPerPerson;
  if (anyPatternFile) return DatasetFormat::FileNamePattern;
  return DatasetFormat::FolderPerPerson;
}

Dataset openDataset(const std::string& root, const DatasetOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw Error("data set folder not found: " + root);
  DatasetFormat format = options.format;
  if (format == DatasetFormat::Auto) {
    format = options.identityList.empty() ? detectDatasetFormat(root) : DatasetFormat::IdentityList;
  }
  Dataset dataset;
  switch (format) {
    case DatasetFormat::FolderPerPerson: dataset = readFolderPerPerson(root, options.minPhotosPerPerson); break;
    case DatasetFormat::FileNamePattern:
      dataset = readFileNamePattern(root, options.namePattern, options.minPhotosPerPerson);
      break;
    case DatasetFormat::Omniglot: dataset = readOmniglot(root, options.minPhotosPerPerson); break;
    case DatasetFormat::Mnist: dataset = readMnistFolder(root, options.minPhotosPerPerson); break;
    case DatasetFormat::IdentityList:
      if (options.identityList.empty()) throw Error("an identity list file is needed for this format");
      dataset = readIdentityList(root, options.identityList, options.minPhotosPerPerson);
      break;
    case DatasetFormat::Auto: break;
  }
  if (options.maxPhotosPerPerson > 0) {
    std::vector<int> kept(dataset.people.size(), 0);
    std::vector<Sample> samples;
    for (Sample& s : dataset.samples) {
      if (kept[std::size_t(s.person)]++ < options.maxPhotosPerPerson) samples.push_back(std::move(s));
    }
    dataset.samples = std::move(samples);
  }
  if (dataset.samples.empty()) {
    throw Error("no photos found in " + root + " (read as '" + datasetFormatName(format) + "')");
  }
  return dataset;
}

}  // namespace siamese
