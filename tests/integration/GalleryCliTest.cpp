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

  const std::string text = test::runCli(gallery + " check --montage " + dir.file("pairs.png"));
  // Three pairs to look at (mislabelled, duplicate, ≥1 confusable): at least one montage row of 4.
  EXPECT_GE(loadImage(dir.file("pairs.png")).width(), 4 * 2 * 112) << text;
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

// "Not this person" sticks: a stranger whom a loose threshold names as an
// enrolled person is rejected once; that photo and another, unseen photo of
// the stranger are no longer given that name, in this gallery (each command
// reopens it) and in one imported from its archive; undo brings it back.
TEST(GalleryCli, ACorrectionSticksForTheFaceAndFacesNearItAndIsUndone) {
  SIAMESE_REQUIRE_FACE_TOWER();
  SIAMESE_REQUIRE_DATA("lfw/images");
  test::ScratchDir dir;
  const std::string options = " --gallery " + dir.file("g.db") + " --model " + test::faceTower();
  test::runCli("gallery" + options + " add \"Jacques Chirac\" " + test::lfwPhoto("Jacques_Chirac", 1) + " " +
               test::lfwPhoto("Jacques_Chirac", 2) + " " + test::lfwPhoto("Jacques_Chirac", 3));
  test::runCli("gallery" + options + " add \"Winona Ryder\" " + test::lfwPhoto("Winona_Ryder", 1) + " " +
               test::lfwPhoto("Winona_Ryder", 2) + " " + test::lfwPhoto("Winona_Ryder", 3));
  // A threshold far too loose: everyone gets a name, the complaint corrections answer.
  const auto nameOf = [&](const std::string& gallery, const std::string& photo) {
    const std::string out = test::runCli("identify --threshold 5 --gallery " + gallery + " --model " +
                                         test::faceTower() + " " + photo);
    const std::size_t colon = out.find(": ", out.find("face at"));
    return out.substr(colon + 2, out.find("  (", colon) - colon - 2);
  };
  const std::string seen = test::lfwPhoto("Tony_Blair", 1), unseen = test::lfwPhoto("Tony_Blair", 2);
  const std::string wrong = nameOf(dir.file("g.db"), seen);
  ASSERT_TRUE(wrong == "Jacques Chirac" || wrong == "Winona Ryder") << wrong;
  ASSERT_EQ(nameOf(dir.file("g.db"), unseen), wrong) << "the unseen photo is named the same before the correction";

  const std::string rejected = test::runCli("gallery" + options + " reject " + seen + " --not \"" + wrong + "\"");
  EXPECT_TRUE(contains(rejected, "1 face(s) recorded as not " + wrong)) << rejected;
  EXPECT_NE(nameOf(dir.file("g.db"), seen), wrong);
  EXPECT_NE(nameOf(dir.file("g.db"), unseen), wrong) << "nearer to the rejected face than to " << wrong;
  const std::string ownPhoto =
      wrong == "Jacques Chirac" ? test::lfwPhoto("Jacques_Chirac", 7) : test::lfwPhoto("Winona_Ryder", 5);
  EXPECT_EQ(nameOf(dir.file("g.db"), ownPhoto), wrong) << "the person's own unseen photos keep their name";
  const std::string explained =
      test::runCli("identify --threshold 5" + options + " --explain " + dir.file("why.png") + " " + unseen);
  EXPECT_TRUE(contains(explained, "[not " + wrong + ": correction")) << explained;
  // The picture: the face, then a row per person (their nearest photos; the
  // rejected face first in the ruled-out row).
  const Image why = loadImage(dir.file("why.png"));
  EXPECT_GT(why.height(), 3 * 96) << "a header and two candidate rows";
  EXPECT_EQ(std::filesystem::status(dir.file("why.png")).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
      << "it shows gallery faces: owner only";

  test::runCli("gallery" + options + " export " + dir.file("g.archive"));
  const std::string imported =
      test::runCli("gallery --gallery " + dir.file("copy.db") + " --model " + test::faceTower() + " import " +
                   dir.file("g.archive"));
  EXPECT_TRUE(contains(imported, "corrections: 1")) << imported;
  EXPECT_NE(nameOf(dir.file("copy.db"), unseen), wrong) << "the imported gallery keeps the correction";

  const auto list = nlohmann::json::parse(test::runCli("gallery" + options + " corrections --json"));
  ASSERT_EQ(list.size(), 1u) << list.dump(2);
  EXPECT_EQ(list[0]["not"], wrong);
  EXPECT_EQ(list[0]["source"], seen);
  const std::string undone =
      test::runCli("gallery" + options + " corrections --undo " + std::to_string(int(list[0]["id"])));
  EXPECT_TRUE(contains(undone, "the face is forgotten")) << undone;
  EXPECT_EQ(nameOf(dir.file("g.db"), seen), wrong) << "undone: the loose threshold names the stranger again";
  const std::string unknownId = test::runCli("gallery" + options + " corrections --undo 999", 1);
  EXPECT_TRUE(contains(unknownId, "no correction with id 999")) << unknownId;
}

}  // namespace
}  // namespace siamese
