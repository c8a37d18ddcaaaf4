// Data-set readers: every supported layout read from the shared data (and
// from generated folders for the edge cases), format detection, filters,
// and the errors a user sees for missing or broken inputs.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "common/Error.h"
#include "data/Dataset.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;
using test::errorMessage;

using test::data;
using test::ScratchDir;



// Dataset's invariants: people sorted, every person has a photo, samples
// sorted by person then source.
void expectWellFormed(const Dataset& d) {
  EXPECT_TRUE(std::is_sorted(d.people.begin(), d.people.end()));
  for (std::size_t i = 1; i < d.samples.size(); ++i) {
    const Sample& a = d.samples[i - 1];
    const Sample& b = d.samples[i];
    ASSERT_LE(a.person, b.person) << "samples not grouped by person at " << i;
    if (a.person == b.person && !a.pixels) {
      ASSERT_LT(a.source, b.source) << "sources not sorted at " << i;
    }
  }
  for (int count : d.countsPerPerson()) EXPECT_GT(count, 0);
}

std::vector<std::string> sourcesOf(const Dataset& d, const std::string& person) {
  const auto it = std::find(d.people.begin(), d.people.end(), person);
  std::vector<std::string> out;
  if (it == d.people.end()) return out;
  const int index = int(it - d.people.begin());
  for (const Sample& s : d.samples)
    if (s.person == index) out.push_back(s.source);
  return out;
}

// Big-endian u32, as in MNIST's idx headers.
void putBe32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(v >> shift));
}

// An idx3 image file announcing `announced` images of rows×cols but holding
// `present` of them (pixel value = image index), and a matching label file.
void writeMnist(const std::string& dir, std::uint32_t announced, std::uint32_t present, int rows, int cols,
                const std::vector<std::uint8_t>& labels) {
  std::vector<std::uint8_t> images;
  putBe32(images, 0x803);
  putBe32(images, announced);
  putBe32(images, std::uint32_t(rows));
  putBe32(images, std::uint32_t(cols));
  for (std::uint32_t i = 0; i < present; ++i) images.insert(images.end(), std::size_t(rows * cols), std::uint8_t(i));
  test::writeBytes(dir + "/t10k-images-idx3-ubyte", images);
  std::vector<std::uint8_t> labelFile;
  putBe32(labelFile, 0x801);
  putBe32(labelFile, std::uint32_t(labels.size()));
  labelFile.insert(labelFile.end(), labels.begin(), labels.end());
  test::writeBytes(dir + "/t10k-labels-idx1-ubyte", labelFile);
}

// --- the shared data sets ---------------------------------------------------

TEST(Dataset, WhatIsNotAPhotoInAPersonsFolderIsLeftOutAndNamed) {
  test::ScratchDir dir;
  for (const char* photo : {"ann/1.jpg", "ann/2.jpg", "bob/1.png"}) test::writeText(dir.file(photo), "x");
  std::filesystem::create_directories(dir.file("ann/more"));
  ASSERT_EQ(::mkfifo(dir.file("bob/pipe.jpg").c_str(), 0600), 0);
  std::filesystem::create_symlink(dir.file("gone.jpg"), dir.file("bob/link.jpg"));
  test::writeText(dir.file("bob/notes.txt"), "not a photo, not worth a word");
  const Dataset dataset = openDataset(dir.path());
  EXPECT_EQ(dataset.samples.size(), 3u);
  EXPECT_EQ(dataset.skipped, (std::vector<std::string>{dir.file("ann/more") + ": is a folder, not a file",
                                                      dir.file("bob/link.jpg") + ": is a broken symbolic link (what it points to does not exist)",
                                                      dir.file("bob/pipe.jpg") + ": is a named pipe (FIFO), not a regular file"}));
}

TEST(Dataset, AttFacesAreFortyFoldersOfTenPgms) {
  SIAMESE_REQUIRE_DATA("att_faces");
  const Dataset d = openDataset(data("att_faces"));
  EXPECT_EQ(d.format, DatasetFormat::FolderPerPerson);
  EXPECT_TRUE(d.facePhotos);
  ASSERT_EQ(d.people.size(), 40u);
  EXPECT_EQ(d.samples.size(), 400u);
  EXPECT_EQ(d.countsPerPerson(), std::vector<int>(40, 10));
  // Names sort as text: s1, s10, ..., s19, s2, s20, ...
  EXPECT_EQ(d.people[0], "s1");
  EXPECT_EQ(d.people[1], "s10");
  EXPECT_EQ(d.people[39], "s9");
  EXPECT_EQ(d.samples[0].source, data("att_faces") + "/s1/1.pgm");
  EXPECT_EQ(d.samples[1].source, data("att_faces") + "/s1/10.pgm");
  EXPECT_EQ(d.samples[0].pixels, nullptr);  // files are not decoded here
  expectWellFormed(d);
}

TEST(Dataset, YaleIdentityComesFromTheFileName) {
  SIAMESE_REQUIRE_DATA("yalefaces");
  DatasetOptions options;
  options.format = DatasetFormat::FileNamePattern;
  const Dataset d = openDataset(data("yalefaces"), options);
  EXPECT_EQ(d.format, DatasetFormat::FileNamePattern);
  ASSERT_EQ(d.people.size(), 15u);
  EXPECT_EQ(d.people.front(), "subject01");
  EXPECT_EQ(d.people.back(), "subject15");
  EXPECT_EQ(d.samples.size(), 164u);
  std::vector<int> expected(15, 11);
  expected[0] = 10;  // subject01 has no centerlight photo
  EXPECT_EQ(d.countsPerPerson(), expected);
  EXPECT_EQ(d.samples[0].source, data("yalefaces") + "/subject01.glasses");
  EXPECT_EQ(d.samples.back().source, data("yalefaces") + "/subject15.wink");
  expectWellFormed(d);
}

TEST(Dataset, YaleWithACustomPatternGroupsByTheFirstGroup) {
  SIAMESE_REQUIRE_DATA("yalefaces");
  // Group by condition instead of subject: 11 conditions.
  DatasetOptions options;
  options.format = DatasetFormat::FileNamePattern;
  options.namePattern = R"(^subject\d+\.(.+)$)";
  const Dataset d = openDataset(data("yalefaces"), options);
  ASSERT_EQ(d.people.size(), 11u);
  EXPECT_EQ(d.people.front(), "centerlight");
  EXPECT_EQ(sourcesOf(d, "centerlight").size(), 14u);
  EXPECT_EQ(sourcesOf(d, "happy").size(), 15u);
}

TEST(Dataset, BadNamePatternIsAnError) {
  SIAMESE_REQUIRE_DATA("yalefaces");
  DatasetOptions options;
  options.format = DatasetFormat::FileNamePattern;
  options.namePattern = "(unclosed";
  EXPECT_TRUE(contains(errorMessage([&] { openDataset(data("yalefaces"), options); }), "(unclosed"));
}

TEST(Dataset, Celeb13HasThirteenPeopleAndTheirCounts) {
  SIAMESE_REQUIRE_DATA("celeb13");
  const Dataset d = openDataset(data("celeb13"));
  EXPECT_EQ(d.format, DatasetFormat::FolderPerPerson);
  const std::vector<std::string> people = {"cha_bumkeun",   "iu",          "kim_hyesoo",   "kim_yuna",
                                           "lee_youngpyo",  "michelle_chen", "park_chanho", "park_jisung",
                                           "park_taehwan",  "son_heungmin", "song_kangho", "takeuchi_yuko",
                                           "ueno_juri"};
  EXPECT_EQ(d.people, people);
  EXPECT_EQ(d.countsPerPerson(), (std::vector<int>{23, 23, 33, 22, 23, 25, 23, 28, 22, 26, 23, 24, 23}));
  EXPECT_EQ(d.samples.size(), 318u);
  expectWellFormed(d);
}

TEST(Dataset, JohnsAreFivePeopleOfElevenPhotos) {
  SIAMESE_REQUIRE_DATA("johns");
  const Dataset d = openDataset(data("johns"));
  EXPECT_EQ(d.people, (std::vector<std::string>{"John_Salley", "John_Savage", "John_Schneider", "John_Shimkus",
                                                "John_Simm"}));
  EXPECT_EQ(d.countsPerPerson(), std::vector<int>(5, 11));
  EXPECT_EQ(d.samples[0].source, data("johns") + "/John_Salley/000179_02159509.jpg");
  expectWellFormed(d);
}

TEST(Dataset, LfwFoldersGiveAllPeopleAndPhotos) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  const Dataset d = openDataset(data("lfw/images"));
  EXPECT_EQ(d.format, DatasetFormat::FolderPerPerson);
  EXPECT_EQ(d.people.size(), 5749u);
  EXPECT_EQ(d.samples.size(), 13233u);
  EXPECT_EQ(d.people.front(), "AJ_Cook");  // byte order: 'J' < 'a'
  EXPECT_EQ(d.people.back(), "Zydrunas_Ilgauskas");
  const auto bush = sourcesOf(d, "George_W_Bush");
  ASSERT_EQ(bush.size(), 530u);
  EXPECT_EQ(bush.front(), data("lfw/images") + "/George_W_Bush/George_W_Bush_0001.jpg");
  EXPECT_EQ(bush.back(), data("lfw/images") + "/George_W_Bush/George_W_Bush_0530.jpg");
  expectWellFormed(d);
}

TEST(Dataset, OmniglotCharactersAreClassesAndNotFaces) {
  SIAMESE_REQUIRE_DATA("omniglot/images_background_small1");
  const std::string root = data("omniglot/images_background_small1");
  const Dataset d = openDataset(root);
  EXPECT_EQ(d.format, DatasetFormat::Omniglot);
  EXPECT_FALSE(d.facePhotos);
  ASSERT_EQ(d.people.size(), 136u);
  EXPECT_EQ(d.samples.size(), 2720u);
  EXPECT_EQ(d.countsPerPerson(), std::vector<int>(136, 20));
  EXPECT_EQ(d.people.front(), "Balinese/character01");
  EXPECT_EQ(d.people.back(), "Latin/character26");
  EXPECT_EQ(d.samples[0].source, root + "/Balinese/character01/0108_01.png");
  expectWellFormed(d);
}

TEST(Dataset, MnistDigitsAreHeldInMemoryInFileOrder) {
  SIAMESE_REQUIRE_DATA("mnist");
  const Dataset d = openDataset(data("mnist"));
  EXPECT_EQ(d.format, DatasetFormat::Mnist);
  EXPECT_FALSE(d.facePhotos);
  ASSERT_EQ(d.people.size(), 10u);
  EXPECT_EQ(d.people[0], "digit 0");
  EXPECT_EQ(d.people[9], "digit 9");
  EXPECT_EQ(d.samples.size(), 10000u);
  EXPECT_EQ(d.countsPerPerson(), (std::vector<int>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));

  const std::string images = data("mnist") + "/t10k-images-idx3-ubyte";
  // The labels start 7, 2, 1, 0: each digit's first sample is its first
  // occurrence in the file.
  EXPECT_EQ(sourcesOf(d, "digit 7").front(), images + "#0");
  EXPECT_EQ(sourcesOf(d, "digit 2").front(), images + "#1");
  EXPECT_EQ(sourcesOf(d, "digit 1").front(), images + "#2");
  EXPECT_EQ(sourcesOf(d, "digit 0").front(), images + "#3");

  // Digit #0's pixels are the file's first 784 bytes after the header.
  const auto it = std::find_if(d.samples.begin(), d.samples.end(),
                               [&](const Sample& s) { return s.source == images + "#0"; });
  ASSERT_NE(it, d.samples.end());
  EXPECT_EQ(d.people[std::size_t(it->person)], "digit 7");
  ASSERT_NE(it->pixels, nullptr);
  EXPECT_EQ(it->pixels->width(), 28);
  EXPECT_EQ(it->pixels->height(), 28);
  EXPECT_EQ(it->pixels->channels(), 1);
  const auto file = test::readBytes(images);
  ASSERT_GE(file.size(), 16u + 784u);
  for (int y = 0; y < 28; ++y) {
    ASSERT_EQ(std::memcmp(it->pixels->row(y), file.data() + 16 + y * 28, 28), 0) << "row " << y;
  }
  EXPECT_EQ(it->pixels->row(7)[6], 84);  // first lit pixel of the first digit
}

TEST(Dataset, MnistSamplesOfAPersonFollowTheFileNumerically) {
  // 12 digits of one class: sorting sources as text would put #10 before #2.
  ScratchDir dir;
  writeMnist(dir.path(), 12, 12, 3, 2, std::vector<std::uint8_t>(12, 5));
  const Dataset d = openDataset(dir.path());
  EXPECT_EQ(d.format, DatasetFormat::Mnist);
  ASSERT_EQ(d.people, std::vector<std::string>{"digit 5"});
  ASSERT_EQ(d.samples.size(), 12u);
  for (std::size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(d.samples[i].source, dir.file("t10k-images-idx3-ubyte") + "#" + std::to_string(i));
    ASSERT_NE(d.samples[i].pixels, nullptr);
    EXPECT_EQ(d.samples[i].pixels->width(), 2);
    EXPECT_EQ(d.samples[i].pixels->height(), 3);
    EXPECT_EQ(d.samples[i].pixels->row(2)[1], std::uint8_t(i));
  }
}

TEST(Dataset, TruncatedMnistImageFileIsAFileErrorNamingIt) {
  ScratchDir dir;
  writeMnist(dir.path(), 3, 2, 28, 28, {1, 2, 3});  // announces 3 digits, holds 2
  try {
    openDataset(dir.path());
    FAIL() << "expected a FileError";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), dir.file("t10k-images-idx3-ubyte"));
    EXPECT_TRUE(contains(e.what(), dir.file("t10k-images-idx3-ubyte"))) << e.what();
    EXPECT_TRUE(contains(e.reason(), "truncated")) << e.reason();
  }
}

TEST(Dataset, MnistLabelCountMismatchNamesTheLabelFile) {
  ScratchDir dir;
  writeMnist(dir.path(), 3, 3, 28, 28, {1, 2});  // 3 images, 2 labels
  try {
    openDataset(dir.path());
    FAIL() << "expected a FileError";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), dir.file("t10k-labels-idx1-ubyte"));
  }
}

TEST(Dataset, MnistWithABadMagicNumberIsAFileError) {
  ScratchDir dir;
  writeMnist(dir.path(), 1, 1, 28, 28, {1});
  test::writeText(dir.file("t10k-images-idx3-ubyte"), "this is not an idx file at all");
  try {
    openDataset(dir.path());
    FAIL() << "expected a FileError";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), dir.file("t10k-images-idx3-ubyte"));
    EXPECT_TRUE(contains(e.reason(), "magic")) << e.reason();
  }
}

TEST(Dataset, IdentityListNamesPhotosUnderTheImagesFolder) {
  SIAMESE_REQUIRE_DATA("johns");
  ScratchDir dir;
  // CelebA's format: "<image> <identity>", here over johns' photos with
  // made-up identities; comments, blank lines and CRLF are tolerated.
  test::writeText(dir.file("identity.txt"),
                  "# image identity\n"
                  "John_Simm/000288_00470387.jpg 17\r\n"
                  "John_Salley/000183_02159543.jpg 4\n"
                  "\n"
                  "John_Salley/000179_02159509.jpg 4\n"
                  "John_Savage/000264_01099001.jpg 17\n");
  DatasetOptions options;
  options.identityList = dir.file("identity.txt");
  const Dataset d = openDataset(data("johns"), options);  // Auto picks the list
  EXPECT_EQ(d.format, DatasetFormat::IdentityList);
  EXPECT_EQ(d.people, (std::vector<std::string>{"17", "4"}));
  EXPECT_EQ(sourcesOf(d, "4"), (std::vector<std::string>{data("johns") + "/John_Salley/000179_02159509.jpg",
                                                         data("johns") + "/John_Salley/000183_02159543.jpg"}));
  EXPECT_EQ(sourcesOf(d, "17"), (std::vector<std::string>{data("johns") + "/John_Savage/000264_01099001.jpg",
                                                          data("johns") + "/John_Simm/000288_00470387.jpg"}));
  for (const Sample& s : d.samples) EXPECT_TRUE(std::filesystem::is_regular_file(s.source)) << s.source;
  expectWellFormed(d);
}

TEST(Dataset, IdentityListBadLineNamesFileAndLine) {
  SIAMESE_REQUIRE_DATA("johns");
  ScratchDir dir;
  test::writeText(dir.file("identity.txt"), "John_Simm/000288_00470387.jpg 1\nlonely_field\n");
  DatasetOptions options;
  options.identityList = dir.file("identity.txt");
  const std::string message = errorMessage([&] { openDataset(data("johns"), options); });
  EXPECT_TRUE(contains(message, dir.file("identity.txt") + ":2")) << message;
}

TEST(Dataset, IdentityListFormatWithoutAListIsAnError) {
  SIAMESE_REQUIRE_DATA("johns");
  DatasetOptions options;
  options.format = DatasetFormat::IdentityList;
  EXPECT_FALSE(errorMessage([&] { openDataset(data("johns"), options); }).empty());
}

TEST(Dataset, DetectsTheFormatOfEachSharedDataSet) {
  SIAMESE_REQUIRE_DATA("att_faces");
  SIAMESE_REQUIRE_DATA("yalefaces");
  SIAMESE_REQUIRE_DATA("celeb13");
  SIAMESE_REQUIRE_DATA("johns");
  SIAMESE_REQUIRE_DATA("lfw/images");
  SIAMESE_REQUIRE_DATA("omniglot/images_background_small1");
  SIAMESE_REQUIRE_DATA("mnist");
  EXPECT_EQ(detectDatasetFormat(data("att_faces")), DatasetFormat::FolderPerPerson);
  EXPECT_EQ(detectDatasetFormat(data("yalefaces")), DatasetFormat::FileNamePattern);
  EXPECT_EQ(detectDatasetFormat(data("celeb13")), DatasetFormat::FolderPerPerson);
  EXPECT_EQ(detectDatasetFormat(data("johns")), DatasetFormat::FolderPerPerson);
  EXPECT_EQ(detectDatasetFormat(data("lfw/images")), DatasetFormat::FolderPerPerson);
  EXPECT_EQ(detectDatasetFormat(data("omniglot/images_background_small1")), DatasetFormat::Omniglot);
  EXPECT_EQ(detectDatasetFormat(data("mnist")), DatasetFormat::Mnist);
}

TEST(Dataset, AutoReadsYaleByPattern) {
  SIAMESE_REQUIRE_DATA("yalefaces");
  const Dataset d = openDataset(data("yalefaces"));
  EXPECT_EQ(d.format, DatasetFormat::FileNamePattern);
  EXPECT_EQ(d.people.size(), 15u);
}

// --- filters ------------------------------------------------------------------

TEST(Dataset, MinPhotosPerPersonLeavesOutSmallClasses) {
  SIAMESE_REQUIRE_DATA("celeb13");
  DatasetOptions options;
  options.minPhotosPerPerson = 25;
  const Dataset d = openDataset(data("celeb13"), options);
  EXPECT_EQ(d.people, (std::vector<std::string>{"kim_hyesoo", "michelle_chen", "park_jisung", "son_heungmin"}));
  EXPECT_EQ(d.countsPerPerson(), (std::vector<int>{33, 25, 28, 26}));
  expectWellFormed(d);  // person indices renumbered to the kept people
}

TEST(Dataset, MinPhotosPerPersonOnLfwMatchesTheNamesList) {
  SIAMESE_REQUIRE_DATA("lfw/images");
  DatasetOptions options;
  options.minPhotosPerPerson = 20;
  const Dataset d = openDataset(data("lfw/images"), options);
  EXPECT_EQ(d.people.size(), 62u);
  for (int count : d.countsPerPerson()) EXPECT_GE(count, 20);
}

TEST(Dataset, MaxPhotosPerPersonKeepsTheFirstInNameOrder) {
  SIAMESE_REQUIRE_DATA("att_faces");
  DatasetOptions options;
  options.maxPhotosPerPerson = 3;
  const Dataset d = openDataset(data("att_faces"), options);
  EXPECT_EQ(d.people.size(), 40u);
  EXPECT_EQ(d.countsPerPerson(), std::vector<int>(40, 3));
  EXPECT_EQ(sourcesOf(d, "s1"), (std::vector<std::string>{data("att_faces") + "/s1/1.pgm",
                                                          data("att_faces") + "/s1/10.pgm",
                                                          data("att_faces") + "/s1/2.pgm"}));
}

TEST(Dataset, MinAndMaxPhotosCombine) {
  SIAMESE_REQUIRE_DATA("yalefaces");
  DatasetOptions options;
  options.format = DatasetFormat::FileNamePattern;
  options.minPhotosPerPerson = 11;  // drops subject01 (10 photos)
  options.maxPhotosPerPerson = 4;
  const Dataset d = openDataset(data("yalefaces"), options);
  ASSERT_EQ(d.people.size(), 14u);
  EXPECT_EQ(d.people.front(), "subject02");
  EXPECT_EQ(d.countsPerPerson(), std::vector<int>(14, 4));
  expectWellFormed(d);
}

// --- generated folders and errors ---------------------------------------------

TEST(Dataset, FoldersSkipNonImagesAndEmptyPeopleAndSortSources) {
  ScratchDir dir;
  // Contents are never decoded while listing, so empty files do.
  test::writeText(dir.file("bob/b.jpg"), "");
  test::writeText(dir.file("bob/a.PNG"), "");
  test::writeText(dir.file("bob/notes.txt"), "");
  test::writeText(dir.file("alice/z.jpeg"), "");
  test::writeText(dir.file("carol/readme.md"), "");  // no photos: not a person
  test::writeText(dir.file("top-level.jpg"), "");    // not in a person folder
  const Dataset d = openDataset(dir.path());
  EXPECT_EQ(d.root, dir.path());
  EXPECT_EQ(d.people, (std::vector<std::string>{"alice", "bob"}));
  ASSERT_EQ(d.samples.size(), 3u);
  EXPECT_EQ(d.samples[0].source, dir.file("alice/z.jpeg"));
  EXPECT_EQ(d.samples[1].source, dir.file("bob/a.PNG"));
  EXPECT_EQ(d.samples[2].source, dir.file("bob/b.jpg"));
  EXPECT_EQ(d.samples[0].person, 0);
  EXPECT_EQ(d.samples[1].person, 1);
  EXPECT_EQ(d.samples[2].person, 1);
}

TEST(Dataset, MissingFolderErrorNamesThePath) {
  ScratchDir dir;
  const std::string missing = dir.file("no-such-data-set");
  const std::string message = errorMessage([&] { openDataset(missing); });
  EXPECT_TRUE(contains(message, missing)) << message;
}

TEST(Dataset, EmptyFolderErrorNamesThePath) {
  ScratchDir dir;
  const std::string message = errorMessage([&] { openDataset(dir.path()); });
  EXPECT_TRUE(contains(message, dir.path())) << message;
}

TEST(Dataset, FolderOfNonImagesErrorNamesThePath) {
  ScratchDir dir;
  test::writeText(dir.file("person/notes.txt"), "hello");
  const std::string message = errorMessage([&] { openDataset(dir.path()); });
  EXPECT_TRUE(contains(message, dir.path())) << message;
}

TEST(Dataset, MinPhotosThatExcludeEveryoneIsAnError) {
  SIAMESE_REQUIRE_DATA("johns");
  DatasetOptions options;
  options.minPhotosPerPerson = 12;  // everyone has 11
  const std::string message = errorMessage([&] { openDataset(data("johns"), options); });
  EXPECT_TRUE(contains(message, data("johns"))) << message;
}

TEST(Dataset, HasImageExtension) {
  for (const char* yes : {"a.jpg", "A.JPG", "x/y.Jpeg", "p.png", "f.pgm", "f.ppm", "f.pbm", "b.bmp", "g.gif",
                          "t.tif", "t.tiff", "w.webp", "/data/s1/1.pgm"}) {
    EXPECT_TRUE(hasImageExtension(yes)) << yes;
  }
  for (const char* no : {"README", "notes.txt", "subject01.happy", "jpg", "x.jpg.bak", "dir.jpg/file", ""}) {
    EXPECT_FALSE(hasImageExtension(no)) << no;
  }
}

TEST(Dataset, FormatNamesRoundTrip) {
  for (DatasetFormat f : {DatasetFormat::Auto, DatasetFormat::FolderPerPerson, DatasetFormat::FileNamePattern,
                          DatasetFormat::Omniglot, DatasetFormat::Mnist, DatasetFormat::IdentityList}) {
    EXPECT_EQ(parseDatasetFormat(datasetFormatName(f)), f) << datasetFormatName(f);
  }
  EXPECT_EQ(datasetFormatName(DatasetFormat::FolderPerPerson), "folders");
  EXPECT_EQ(datasetFormatName(DatasetFormat::IdentityList), "identity-list");
}

TEST(Dataset, UnknownFormatNameIsAnErrorNamingIt) {
  const std::string message = errorMessage([] { parseDatasetFormat("celeba"); });
  EXPECT_TRUE(contains(message, "'celeba'")) << message;
  EXPECT_FALSE(errorMessage([] { parseDatasetFormat("Folders"); }).empty());  // names are case-sensitive
}

}  // namespace
}  // namespace siamese
