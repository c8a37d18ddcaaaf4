// The gallery's CLI end to end with the shipped model: add-folder with its
// per-photo report and summary, export and import into a second gallery,
// threshold calibration saved to the gallery, and identify saying which
// threshold it used.

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using test::contains;


// Copies LFW photos into a folder-per-person tree, plus one file that is no photo.
void makeFolder(const std::string& root) {
  namespace fs = std::filesystem;
  for (const char* person : {"Colin_Powell", "Tony_Blair", "Donald_Rumsfeld"}) {
    fs::create_directories(root + "/" + person);
    for (int n : {1, 2}) fs::copy_file(test::lfwPhoto(person, n), root + "/" + person + "/" + std::to_string(n) + ".jpg");
  }
  test::writeText(root + "/Tony_Blair/notes.jpg", "not a photo");
}

TEST(GalleryCli, AddFolderExportImportThresholdAndIdentify) {
  if (!std::filesystem::exists(test::defaultModel())) GTEST_SKIP() << "no " << test::defaultModel();
  SIAMESE_REQUIRE_DATA("lfw/images");
  test::ScratchDir dir;
  makeFolder(dir.file("people"));
  const std::string first = " --gallery " + dir.file("first.db");

  const std::string added = test::runCli("gallery" + first + " add-folder " + dir.file("people") + " --report " +
                                dir.file("report.csv"));
  EXPECT_TRUE(contains(added, "7 photos: 6 added, 1 unreadable")) << added;
  EXPECT_TRUE(contains(added, "[unreadable]")) << added;
  EXPECT_TRUE(contains(added, "notes.jpg")) << added;
  const std::string report = readTextFile(dir.file("report.csv"));
  EXPECT_TRUE(contains(report, "file,person,status,message\n")) << report;
  EXPECT_EQ(std::count(report.begin(), report.end(), '\n'), 8);  // header + 7 photos
  EXPECT_TRUE(contains(report, "Tony_Blair,unreadable,")) << report;

  const std::string exported = test::runCli("gallery" + first + " export " + dir.file("all.archive"));
  EXPECT_TRUE(contains(exported, "exported 3 people, 6 photos and 6 embeddings")) << exported;

  const std::string second = " --gallery " + dir.file("second.db");
  const std::string imported = test::runCli("gallery" + second + " import " + dir.file("all.archive"));
  EXPECT_TRUE(contains(imported, "people: 3 added, 0 merged; photos: 6 added, 0 skipped")) << imported;
  const std::string again = test::runCli("gallery" + second + " import " + dir.file("all.archive"));
  EXPECT_TRUE(contains(again, "people: 0 added, 3 merged; photos: 0 added, 6 skipped")) << again;
  test::writeText(dir.file("broken.archive"), "not an archive at all");
  const std::string refused = test::runCli("gallery" + second + " import " + dir.file("broken.archive"), 1);
  EXPECT_TRUE(contains(refused, "broken.archive")) << refused;

  const std::string calibrated = test::runCli("gallery" + second + " threshold --far 0.2 --save");
  EXPECT_TRUE(contains(calibrated, "3 genuine and 12 impostor pairs")) << calibrated;
  EXPECT_TRUE(contains(calibrated, "the model bundle's threshold")) << calibrated;
  EXPECT_TRUE(contains(calibrated, "saved")) << calibrated;

  const std::string photo = test::lfwPhoto("Colin_Powell", 1);
  const std::string named = test::runCli("identify" + second + " " + photo);
  EXPECT_TRUE(contains(named, "(gallery calibration, far=0.2")) << named;
  EXPECT_TRUE(contains(named, ": Colin_Powell")) << named;
  const std::string given = test::runCli("identify" + second + " --threshold 0.0001 " + photo);
  EXPECT_TRUE(contains(given, "threshold 0.0001 (given on the command line)")) << given;
  EXPECT_TRUE(contains(test::runCli("identify" + first + " " + photo), "(model bundle,")) << "first gallery: bundle threshold";
}

// Two faces in one photo cannot be the same person: with two unseen photos
// of one enrolled person side by side, one face is named and the other
// falls back (to unknown, or to someone else, said so); two different
// enrolled people side by side are both named.
TEST(GalleryCli, FacesOfOnePhotoAreNamedJointly) {
  SIAMESE_REQUIRE_FACE_TOWER();
  SIAMESE_REQUIRE_DATA("lfw/images");
  test::ScratchDir dir;
  const std::string gallery = " --gallery " + dir.file("g.db") + " --model " + test::faceTower();
  for (const char* person : {"Jacques_Chirac", "Winona_Ryder"}) {
    std::string photos;
    for (int n : {1, 2, 3}) photos += " " + test::lfwPhoto(person, n);
    std::string name = person;
    std::replace(name.begin(), name.end(), '_', ' ');
    test::runCli("gallery" + gallery + " add \"" + name + "\"" + photos);
  }
  const std::string identify = "identify --gallery " + dir.file("g.db") + " --model " + test::faceTower() + " ";

  const std::string twice = dir.file("twice.jpg");
  saveImage(twice, test::sideBySide({loadImage(test::lfwPhoto("Jacques_Chirac", 7)),
                                     loadImage(test::lfwPhoto("Jacques_Chirac", 8))}));
  const std::string sameTwice = test::runCli(identify + twice);
  std::printf("%s", sameTwice.c_str());
  EXPECT_TRUE(contains(sameTwice, "2 face(s)")) << sameTwice;
  const auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(sameTwice, ": Jacques Chirac  ("), 1u) << "named once, not twice\n" << sameTwice;
  EXPECT_EQ(count(sameTwice, "[Jacques Chirac is nearer to another face in this photo]"), 1u) << sameTwice;

  const std::string pair = dir.file("pair.jpg");
  saveImage(pair, test::sideBySide({loadImage(test::lfwPhoto("Jacques_Chirac", 7)),
                                    loadImage(test::lfwPhoto("Winona_Ryder", 5))}));
  const std::string both = test::runCli(identify + pair);
  EXPECT_EQ(count(both, ": Jacques Chirac  ("), 1u) << both;
  EXPECT_EQ(count(both, ": Winona Ryder  ("), 1u) << both;
  EXPECT_FALSE(contains(both, "nearer to another face")) << both;
}

// The health check finds a photo enrolled under the wrong person, a copy of
// a photo, and a person with one photo, on real LFW photos and the tower.
TEST(GalleryCli, TheHealthCheckFindsAMislabelledPhotoADuplicateAndTooFewPhotos) {
  SIAMESE_REQUIRE_FACE_TOWER();
  SIAMESE_REQUIRE_DATA("lfw/images");
  test::ScratchDir dir;
  const std::string gallery = "gallery --gallery " + dir.file("g.db") + " --model " + test::faceTower();
  // The same pixels in another file: a near-duplicate the content hash cannot catch.
  saveImage(dir.file("chirac-2-again.png"), loadImage(test::lfwPhoto("Jacques_Chirac", 2)));
  test::runCli(gallery + " add \"Jacques Chirac\" " + test::lfwPhoto("Jacques_Chirac", 1) + " " +
               test::lfwPhoto("Jacques_Chirac", 2) + " " + test::lfwPhoto("Jacques_Chirac", 3) + " " +
               dir.file("chirac-2-again.png") + " " + test::lfwPhoto("Winona_Ryder", 4));  // the last is not Chirac
  test::runCli(gallery + " add \"Winona Ryder\" " + test::lfwPhoto("Winona_Ryder", 1) + " " +
               test::lfwPhoto("Winona_Ryder", 2) + " " + test::lfwPhoto("Winona_Ryder", 3));
  test::runCli(gallery + " add \"Gray Davis\" " + test::lfwPhoto("Gray_Davis", 1));

  const std::string text = test::runCli(gallery + " check");
  std::printf("%s", text.c_str());
  const auto report = nlohmann::json::parse(test::runCli(gallery + " check --json"));
  int mislabelled = 0, duplicates = 0, tooFew = 0;
  for (const auto& f : report["findings"]) {
    const std::string kind = f["kind"], message = f["message"];
    if (kind == "mislabelled") {
      ++mislabelled;
      EXPECT_TRUE(contains(message, "of Jacques Chirac is nearer to Winona Ryder")) << message;
    }
    if (kind == "near-duplicate") {
      ++duplicates;
      EXPECT_LT(double(f["distance"]), 0.06) << message;
    }
    if (kind == "too-few-photos") {
      ++tooFew;
      EXPECT_TRUE(contains(message, "Gray Davis has 1 photo")) << message;
    }
    EXPECT_FALSE(std::string(f["action"]).empty());
  }
  EXPECT_EQ(mislabelled, 1) << report.dump(2);
  EXPECT_EQ(duplicates, 1) << report.dump(2);
  EXPECT_EQ(tooFew, 1) << report.dump(2);
  ASSERT_FALSE(report["confusable"].empty());
  EXPECT_EQ(report["embedded"], 9);
}

}  // namespace
}  // namespace siamese
