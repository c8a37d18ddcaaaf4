// Unknown visitors proposed as people, end to end through `siamese live
// --unknowns`: a generated video where two strangers each appear twice
// (a different LFW photo each time) with an enrolled man between them.
// The enrolled man is named and proposed as nobody; the four appearances
// of the strangers come out as exactly two proposals of two tracks each.

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "support/TestSupport.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

using test::contains;

TEST(UnknownVisitors, TwoStrangersWhoEachAppearTwiceAreTwoProposedPeople) {
  SIAMESE_REQUIRE_FACE_TOWER();
  SIAMESE_REQUIRE_DATA("lfw/images");
  test::ScratchDir dir;
  const std::string options = " --gallery " + dir.file("g.db") + " --model " + test::faceTower();
  test::runCli("gallery" + options + " add \"Colin Powell\" " + test::lfwPhoto("Colin_Powell", 1) + " " +
               test::lfwPhoto("Colin_Powell", 3) + " " + test::lfwPhoto("Colin_Powell", 4));

  const std::string video = test::writeVisitorsVideo(dir);
  const std::string out =
      test::runCli("live" + options + " --source " + video + " --detect-every 2 --unknowns " + dir.file("visitors"));
  std::printf("%s", out.c_str());
  EXPECT_TRUE(contains(out, "appeared Colin Powell")) << out;

  const auto summary = nlohmann::json::parse(readTextFile(dir.file("visitors/visitors.json")));
  ASSERT_EQ(summary["clusters"].size(), 2u) << summary.dump(2);
  for (const auto& cluster : summary["clusters"]) {
    EXPECT_EQ(cluster["tracks"].size(), 2u) << "each stranger came twice\n" << summary.dump(2);
    ASSERT_FALSE(cluster["shots"].empty());
    for (const auto& shot : cluster["shots"]) {
      const std::string file = dir.file("visitors/" + std::string(shot["file"]));
      EXPECT_GT(loadImage(file).width(), 100) << file;
      EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
                std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
  }
  // Blair came first (0–1.5 s and 5.5–7 s), Williams second (3.7–5.2 s and 9.2–10.7 s).
  EXPECT_LT(double(summary["clusters"][0]["first_seen"]), 1.0);
  EXPECT_GT(double(summary["clusters"][0]["last_seen"]), 5.0);
  EXPECT_GT(double(summary["clusters"][1]["first_seen"]), 3.0);
  EXPECT_GT(double(summary["clusters"][1]["last_seen"]), 9.0);
}

}  // namespace
}  // namespace siamese
