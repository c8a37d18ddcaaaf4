#pragma once
/// \file Dataset.h
/// Data sets of labelled photos: which photo shows whom. Listing only; no
/// pixel is decoded here (MNIST, which ships as one binary file, is the
/// exception: its digits are held in memory).

#include <memory>
#include <string>
#include <vector>

#include "common/Image.h"

namespace siamese {

/// One photo of one person (or character, or digit).
struct Sample {
  /// The file path, or "<file>#<index>" for images held in memory.
  std::string source;
  /// Index into Dataset::people.
  int person = 0;
  /// Pixels for in-memory data sets (MNIST); null for files.
  std::shared_ptr<const Image> pixels;
};

enum class DatasetFormat {
  Auto,          ///< guess from the folder's layout
  FolderPerPerson,  ///< root/<person>/<photo> (LFW, AT&T, celeb13, johns)
  FileNamePattern,  ///< identity in the file name (Yale: subjectNN.condition)
  Omniglot,      ///< root/<alphabet>/<character>/<drawing>.png
  Mnist,         ///< idx files (t10k-images-idx3-ubyte + t10k-labels-idx1-ubyte)
  IdentityList,  ///< "image_name identity" lines (CelebA's identity_CelebA.txt)
};

/// Parses "auto", "folders", "pattern", "omniglot", "mnist", "identity-list".
DatasetFormat parseDatasetFormat(const std::string& name);
std::string datasetFormatName(DatasetFormat format);

struct Dataset {
  std::string root;          ///< folder (or file) it was read from
  DatasetFormat format = DatasetFormat::Auto;
  std::vector<std::string> people;  ///< names, sorted
  std::vector<Sample> samples;      ///< sorted by person, then source
  /// True for photos of faces (detect and align them); false for
  /// characters and digits, which are used whole.
  bool facePhotos = true;
  /// Entries inside people's folders that are not files (a folder, a named
  /// pipe, a broken link), each with what it is: left out, and said so.
  std::vector<std::string> skipped;

  /// Number of samples per person, indexed like `people`.
  std::vector<int> countsPerPerson() const;
};

struct DatasetOptions {
  DatasetFormat format = DatasetFormat::Auto;
  /// FileNamePattern: a regular expression whose first group is the
  /// identity. Default matches Yale's "subject01.happy".
  std::string namePattern = R"(^(subject\d+)\..+$)";
  /// IdentityList: the list file; `root` is then the images folder.
  std::string identityList;
  /// People with fewer photos are left out (1 keeps everyone).
  int minPhotosPerPerson = 1;
  /// When > 0, only each person's first N photos (in name order) are kept.
  int maxPhotosPerPerson = 0;
};

/// Reads a data set. throws Error when the folder is missing, empty, or not
/// of the requested format.
Dataset openDataset(const std::string& root, const DatasetOptions& options = {});

/// Guesses the format of a folder from its layout.
DatasetFormat detectDatasetFormat(const std::string& root);

/// Image files are recognised by extension (jpg, jpeg, png, pgm, ppm, pbm,
/// bmp, gif, tif, tiff, webp).
bool hasImageExtension(const std::string& path);

}  // namespace siamese
