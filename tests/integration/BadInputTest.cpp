// The bad-input suite: every kind of file the program reads, given broken in
// every way a user (or an attacker) can give it, to the commands that read
// it. Each case asserts what a user needs: the command ends (no hang), does
// not crash, exits non-zero, names the file, and says what is wrong with it.
//
// Cases are generated: roles (a file a command reads) × faults (what is
// wrong with the file). A fault that makes sense only for some roles (a
// huge declared image size) is added for those roles alone.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/AtomicFile.h"
#include "data/FaceCache.h"
#include "data/PairCsv.h"
#include "gallery/GalleryArchive.h"
#include "gallery/GalleryStore.h"
#include "nn/ModelBundle.h"
#include "support/TestSupport.h"
#include "train/TrainingHistory.h"

namespace siamese {
namespace {

namespace fs = std::filesystem;
using test::contains;
using test::ScratchDir;

// --- good files of each kind, to break -------------------------------------

std::vector<std::uint8_t> goodPhoto(const ScratchDir&) { return test::readBytes(test::lfwPhoto("Colin_Powell", 1)); }

std::vector<std::uint8_t> goodModel(const ScratchDir&) { return test::readBytes(test::defaultModel()); }

std::string writeGoodCache(const ScratchDir& dir) {
  const std::string path = dir.file("good.cache");
  if (fs::exists(path)) return path;
  CacheSettings settings;
  settings.cropSize = 8;
  settings.detector = "hog";
  // Sources as long as real ones: cut in half, a pair list of them ends
  // inside a line (the damage the tests make).
  std::vector<test::MadeUpFace> faces;
  for (const char* person : {"ann", "bob", "cy"}) {
    for (int photo = 1; photo <= 3; ++photo) faces.push_back({person, std::string(person) + "/" + std::to_string(photo) + ".jpg"});
  }
  test::writeFlatFaceCache(path, settings, faces, 100);
  return path;
}

std::vector<std::uint8_t> goodCache(const ScratchDir& dir) { return test::readBytes(writeGoodCache(dir)); }

// Two people, each with a photo embedded (made-up vectors of the right
// size) for the default model, so that identify gets as far as the photo.
std::string writeGoodGallery(const ScratchDir& dir) {
  const std::string path = dir.file("good.db");
  if (fs::exists(path)) return path;
  const BundleMetadata model = readBundle(test::defaultModel()).metadata;
  GalleryStore store(path);
  Image crop(8, 8, 3);
  for (int person = 0; person < 2; ++person) {
    const auto id = store.addPerson(person == 0 ? "Someone" : "Someone Else");
    const auto photo = store.addPhoto(id, "photo.jpg", std::vector<std::uint8_t>(100, std::uint8_t(person)), crop, true);
    std::vector<float> embedding(std::size_t(model.network.embeddingSize), 0.0f);
    embedding[std::size_t(person)] = 1.0f;
    store.setEmbedding(*photo, model.modelId, embedding);
  }
  return path;
}

std::vector<std::uint8_t> goodGallery(const ScratchDir& dir) {
  const std::string path = writeGoodGallery(dir);
  {
    GalleryStore store(path);  // closed: the write-ahead log is folded into the file
  }
  return test::readBytes(path);
}

std::vector<std::uint8_t> goodArchive(const ScratchDir& dir) {
  const std::string path = dir.file("good.sgallery");
  GalleryStore store(writeGoodGallery(dir));
  exportGallery(store, path, "some-model");
  return test::readBytes(path);
}

std::vector<std::uint8_t> goodHistory(const ScratchDir& dir) {
  const std::string path = dir.file("good-history.csv");
  std::vector<EpochRecord> history;
  for (int epoch = 1; epoch <= 6; ++epoch) {
    history.push_back(EpochRecord{epoch, 1.0 / epoch, 1.2 / epoch, 0.5 + 0.05 * epoch, 0.6 + 0.05 * epoch, 1e-3, 2.5});
  }
  writeHistoryCsv(path, history);
  return test::readBytes(path);
}

std::vector<std::uint8_t> goodLfwPairs(const ScratchDir&) { return test::readBytes(test::data("lfw/pairsDevTest.txt")); }

std::vector<std::uint8_t> goodPairList(const ScratchDir& dir) {
  const std::string path = dir.file("good-pairs.csv");
  const FaceCache cache = FaceCache::load(writeGoodCache(dir));
  writePairsCsv(path, {{0, 1, true}, {0, 3, false}, {3, 4, true}, {1, 7, false}}, cache);
  return test::readBytes(path);
}

// --- roles: a file a command reads -------------------------------------------

struct Role {
  std::string name;       ///< for the test's name
  std::string extension;  ///< of the bad file
  /// The command line (after the CLI's path) that reads `file`.
  std::function<std::string(const ScratchDir&, const std::string& file)> command;
  std::function<std::vector<std::uint8_t>(const ScratchDir&)> good;
  /// Words of which one must appear when the content is wrong.
  std::vector<std::string> contentProblem;
  /// For a format built to survive damage (the face cache is a log that an
  /// interrupted run leaves cut short; a pair list may name photos that
  /// failed): words saying what was skipped when the good part is used.
  /// Empty: every fault must be refused.
  std::vector<std::string> partialUseNote = {};
};

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::vector<Role> roles() {
  const std::string model = " -m " + quoted(test::defaultModel());
  const std::string photo = quoted(test::lfwPhoto("Colin_Powell", 2));
  const std::vector<std::string> image{"not an image", "cannot be decoded", "truncated", "is empty", "damaged", "corrupt"};
  const std::vector<std::string> bundle{"not a Siamese Studio model bundle", "truncated", "corrupt", "damaged"};
  const std::vector<std::string> cache{"not a face cache", "truncated", "corrupt"};
  const std::vector<std::string> gallery{"not a gallery", "is damaged", "another program", "empty file"};
  const std::vector<std::string> archive{"not a gallery archive", "damaged", "truncated"};
  const std::vector<std::string> table{"malformed", "not a training history", "not a pair list", "expected", "truncated", "is empty"};
  const std::vector<std::string> cacheLog{"unfinished record", "damaged record"};
  return {
      {"PhotoToDetect", ".jpg", [](const ScratchDir&, const std::string& f) { return "detect " + quoted(f); },
       goodPhoto, image},
      {"PhotoToCompare", ".jpg",
       [=](const ScratchDir&, const std::string& f) { return "compare" + model + " " + quoted(f) + " " + photo; },
       goodPhoto, image},
      {"PhotoToEnrol", ".jpg",
       [](const ScratchDir& d, const std::string& f) {
         return "gallery --gallery " + quoted(d.file("enrol.db")) + " add 'Colin Powell' " + quoted(f);
       },
       goodPhoto, image},
      {"PhotoToIdentify", ".jpg",
       [=](const ScratchDir& d, const std::string& f) {
         return "identify" + model + " --gallery " + quoted(writeGoodGallery(d)) + " " + quoted(f);
       },
       goodPhoto, image},
      {"ModelToCompareWith", ".siamese",
       [=](const ScratchDir&, const std::string& f) { return "compare -m " + quoted(f) + " " + photo + " " + photo; },
       goodModel, bundle},
      {"ModelToShow", ".siamese", [](const ScratchDir&, const std::string& f) { return "model " + quoted(f); },
       goodModel, bundle},
      {"CacheToSummarise", ".cache", [](const ScratchDir&, const std::string& f) { return "cache-info " + quoted(f); },
       goodCache, cache, cacheLog},
      {"CacheToPair", ".cache",
       [](const ScratchDir& d, const std::string& f) { return "pairs " + quoted(f) + " -o " + quoted(d.file("pairs")); },
       goodCache, cache, cacheLog},
      {"GalleryToList", ".db",
       [](const ScratchDir&, const std::string& f) { return "gallery --gallery " + quoted(f) + " list"; }, goodGallery,
       gallery},
      {"GalleryToIdentifyIn", ".db",
       [=](const ScratchDir&, const std::string& f) { return "identify" + model + " --gallery " + quoted(f) + " " + photo; },
       goodGallery, gallery},
      {"ArchiveToImport", ".sgallery",
       [](const ScratchDir& d, const std::string& f) {
         return "gallery --gallery " + quoted(d.file("into.db")) + " import " + quoted(f);
       },
       goodArchive, archive},
      {"HistoryToPlot", ".csv",
       [](const ScratchDir& d, const std::string& f) { return "plot " + quoted(f) + " -o " + quoted(d.file("plots")); },
       goodHistory, table},
      {"LfwPairsToConvert", ".txt",
       [](const ScratchDir& d, const std::string& f) {
         return "lfw-pairs " + quoted(f) + " --images " + quoted(test::data("lfw/images")) + " -o " +
                quoted(d.file("lfw.csv"));
       },
       goodLfwPairs, table},
      {"PairListToDraw", ".csv",
       [](const ScratchDir& d, const std::string& f) {
         return "montage " + quoted(f) + " -c " + quoted(writeGoodCache(d)) + " -o " + quoted(d.file("m.png"));
       },
       goodPairList, table, {"skipped"}},
  };
}

// --- faults: what is wrong with the file ----------------------------------

struct Fault {
  std::string name;
  /// Makes the bad file at `path` from the role's good bytes.
  std::function<void(const std::string& path, const std::vector<std::uint8_t>& good)> make;
  /// Words of which one must appear; empty: the role's content problem.
  std::vector<std::string> problem;
  bool needsGoodBytes = true;
  /// Damage to a good file's content, which a format built for it may
  /// survive (see Role::partialUseNote).
  bool damagesGoodContent = false;
};

std::vector<std::uint8_t> noise(std::size_t size, unsigned seed) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) {
    seed = seed * 1103515245u + 12345u;
    bytes[i] = std::uint8_t(seed >> 16);
  }
  return bytes;
}

std::vector<Fault> faults() {
  return {
      {"Missing", [](const std::string&, const auto&) {}, {"no such file", "no gallery here"}, false},
      {"Folder", [](const std::string& p, const auto&) { fs::create_directories(p); }, {"is a folder"}, false},
      {"NamedPipe", [](const std::string& p, const auto&) { ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0); }, {"named pipe"},
       false},
      {"LinkLoop",
       [](const std::string& p, const auto&) {
         fs::create_symlink(p + ".other", p);
         fs::create_symlink(p, p + ".other");
       },
       {"loop of symbolic links"},
       false},
      {"Empty", [](const std::string& p, const auto&) { test::writeBytes(p, {}); }, {}, false},
      {"Noise", [](const std::string& p, const auto&) { test::writeBytes(p, noise(4096, 7)); }, {}, false},
      {"FirstHalf",
       [](const std::string& p, const std::vector<std::uint8_t>& good) {
         test::writeBytes(p, std::vector<std::uint8_t>(good.begin(), good.begin() + std::ptrdiff_t(good.size() / 2)));
       },
       {},
       true,
       true},
      {"ANoisyMiddle",
       [](const std::string& p, const std::vector<std::uint8_t>& good) {
         // The beginning intact (it looks right), then noise over a stretch
         // in the middle; from a 4 KiB boundary in a larger file, so that
         // in a database it lands on a page's header, not its free space.
         std::vector<std::uint8_t> bytes = good;
         std::size_t start = std::max<std::size_t>(bytes.size() / 3, std::min<std::size_t>(64, bytes.size()));
         if (bytes.size() >= 3 * 4096) start &= ~std::size_t(4095);
         const std::vector<std::uint8_t> stretch = noise(std::min<std::size_t>(bytes.size() / 3, 2048), 11);
         std::copy(stretch.begin(), stretch.end(), bytes.begin() + std::ptrdiff_t(start));
         test::writeBytes(p, bytes);
       },
       {},
       true,
       true},
  };
}

struct Case {
  Role role;
  Fault fault;
};

std::vector<Case> allCases() {
  std::vector<Case> cases;
  for (const Role& role : roles()) {
    for (const Fault& fault : faults()) cases.push_back({role, fault});
  }
  return cases;
}

// Named in failure messages (instead of the bytes of the struct).
void PrintTo(const Case& c, std::ostream* out) { *out << c.role.name << " given a file that is " << c.fault.name; }

class BadInput : public ::testing::TestWithParam<Case> {};

TEST_P(BadInput, IsRefusedNamingTheFileAndTheProblem) {
  if (!std::filesystem::exists(test::defaultModel())) GTEST_SKIP() << "no " << test::defaultModel();
  SIAMESE_REQUIRE_DATA("lfw/images");
  const Case& c = GetParam();
  ScratchDir dir;
  const std::string file = dir.file("bad-" + c.fault.name + c.role.extension);
  c.fault.make(file, c.fault.needsGoodBytes ? c.role.good(dir) : std::vector<std::uint8_t>{});

  std::string output;
  // Bounded: a command that waits for ever is a failure, not a stuck suite.
  const int code = test::runCommand("timeout -k 5 120 " + test::cliPath() + " " + c.role.command(dir, file), output);
  const std::string context = c.role.command(dir, file) + "\n" + output;
  const auto says = [&output](const std::vector<std::string>& words) {
    return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return contains(output, w); });
  };
  EXPECT_NE(code, 124) << "hung: " << context;
  EXPECT_TRUE(code >= 0 && code < 124) << "exit " << code << " (-1 or over 124: crashed)\n" << context;
  EXPECT_TRUE(contains(output, file)) << "the file is not named: " << context;
  if (c.fault.damagesGoodContent && says(c.role.partialUseNote)) {
    return;  // used in part, and the user is told what was left out
  }
  EXPECT_NE(code, 0) << "accepted: " << context;
  const std::vector<std::string>& problem = c.fault.problem.empty() ? c.role.contentProblem : c.fault.problem;
  EXPECT_TRUE(says(problem)) << "the problem is not stated: " << context;
  EXPECT_FALSE(contains(output, "unexpected failure")) << context;
  // Under the sanitizer build a memory or undefined-behaviour error exits 1
  // like a refusal: it is told apart by what it prints.
  EXPECT_FALSE(contains(output, "Sanitizer") || contains(output, "runtime error:")) << context;
}

INSTANTIATE_TEST_SUITE_P(EveryFileTheProgramReads, BadInput, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.role.name + "_" + info.param.fault.name;
                         });

}  // namespace
}  // namespace siamese
