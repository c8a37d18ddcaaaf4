// Pair lists as CSV: written and read back exactly (quoting included),
// resolved against a face cache by path or by person/file, and malformed
// rows reported with "path:line".

#include <gtest/gtest.h>

#include <cstdint>
#include <iomanip>
#include <string>
#include <vector>

#include "common/Error.h"
#include "data/FaceCache.h"
#include "data/PairCsv.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;
using test::errorMessage;

using test::ScratchDir;



std::string firstLine(const std::string& path) {
  const auto bytes = test::readBytes(path);
  const std::string text(bytes.begin(), bytes.end());
  return text.substr(0, text.find('\n'));
}

void expectRowsEqual(const std::vector<PairRow>& actual, const std::vector<PairRow>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].sourceA, expected[i].sourceA) << "row " << i;
    EXPECT_EQ(actual[i].sourceB, expected[i].sourceB) << "row " << i;
    EXPECT_EQ(actual[i].same, expected[i].same) << "row " << i;
    EXPECT_EQ(actual[i].personA, expected[i].personA) << "row " << i;
    EXPECT_EQ(actual[i].personB, expected[i].personB) << "row " << i;
    ASSERT_EQ(actual[i].distance.has_value(), expected[i].distance.has_value()) << "row " << i;
    if (expected[i].distance) {
      EXPECT_EQ(*actual[i].distance, *expected[i].distance)
          << "row " << i << ": " << std::setprecision(17) << *actual[i].distance << " vs " << *expected[i].distance;
    }
  }
}

const char* const kSources[] = {"/data/lfw/images/Ann/Ann_0001.jpg", "/data/lfw/images/Ann/Ann_0002.jpg",
                                "/data/lfw/images/Bob/Bob_0001.jpg", "/data/lfw/images/Cy/Cy_0001.jpg"};
const char* const kPeople[] = {"Ann", "Ann", "Bob", "Cy"};

// A cache of the four faces above (indices 0..3 in that order, since the
// cache sorts by person, then source).
FaceCache makeCache(const ScratchDir& dir) {
  CacheSettings settings;
  settings.cropSize = 2;
  settings.detector = "hog";
  const std::string path = dir.file("faces.cache");
  std::vector<test::MadeUpFace> faces;
  for (int i = 3; i >= 0; --i) faces.push_back({kPeople[i], kSources[i]});  // written in reverse; load sorts
  test::writeFlatFaceCache(path, settings, faces);
  return FaceCache::load(path);
}

// --- writing and reading ------------------------------------------------------

TEST(PairCsv, RowsRoundTripWithCommasAndQuotes) {
  ScratchDir dir;
  const std::vector<PairRow> rows = {
      {"/data/O'Brien, Pat/1.jpg", "/data/O'Brien, Pat/2.jpg", true, "O'Brien, Pat", "O'Brien, Pat", std::nullopt},
      {"/data/a/x.jpg", "/data/\"Quote\"/y.jpg", false, "a", "Pat \"Patty\" O'Brien, Jr", std::nullopt},
      {"plain", "plain too", false, "", "empty name beside", std::nullopt},
  };
  writePairRows(dir.file("pairs.csv"), rows);
  EXPECT_EQ(firstLine(dir.file("pairs.csv")), "source_a,source_b,same,person_a,person_b");
  expectRowsEqual(readPairsCsv(dir.file("pairs.csv")), rows);
}

TEST(PairCsv, DistanceColumnIsWrittenOnlyWhenSomeRowHasOne) {
  ScratchDir dir;
  const std::vector<PairRow> rows = {
      {"a/1.jpg", "a/2.jpg", true, "a", "a", 0.25},
      {"a/1.jpg", "b/1.jpg", false, "a", "b", std::nullopt},
      {"a/2.jpg", "b/1.jpg", false, "a", "b", 1.5},
  };
  writePairRows(dir.file("pairs.csv"), rows);
  EXPECT_EQ(firstLine(dir.file("pairs.csv")), "source_a,source_b,same,person_a,person_b,distance");
  expectRowsEqual(readPairsCsv(dir.file("pairs.csv")), rows);
}

// Fails at the time of writing: writePairRows prints distances with the
// stream's default 6 significant digits, so 0.123456789 comes back as
// 0.123457 (a distance just under a threshold can come back at or above it).
TEST(PairCsv, DistancesRoundTripExactly) {
  ScratchDir dir;
  const std::vector<PairRow> rows = {
      {"a/1.jpg", "a/2.jpg", true, "a", "a", 0.123456789},
      {"a/1.jpg", "b/1.jpg", false, "a", "b", 1.0 / 3.0},
      {"a/2.jpg", "b/1.jpg", false, "a", "b", 0.49999996},
  };
  writePairRows(dir.file("pairs.csv"), rows);
  expectRowsEqual(readPairsCsv(dir.file("pairs.csv")), rows);
}

// Fails at the time of writing: the writer quotes a field holding a line
// break, but the reader reads one line per row and rejects the half row.
TEST(PairCsv, NamesWithLineBreaksRoundTrip) {
  ScratchDir dir;
  const std::vector<PairRow> rows = {
      {"/data/two\nlines/1.jpg", "/data/b/1.jpg", false, "two\nlines", "b", std::nullopt},
      {"/data/b/1.jpg", "/data/b/2.jpg", true, "b", "b", std::nullopt},
  };
  writePairRows(dir.file("pairs.csv"), rows);
  std::vector<PairRow> read;
  try {
    read = readPairsCsv(dir.file("pairs.csv"));
  } catch (const Error& e) {
    FAIL() << "the writer's own output was rejected: " << e.what();
  }
  expectRowsEqual(read, rows);
}

TEST(PairCsv, HandWrittenQuotedFieldsAndWindowsLineEndingsAreRead) {
  ScratchDir dir;
  test::writeText(dir.file("pairs.csv"),
                  "source_a,source_b,same,person_a,person_b,distance\r\n"
                  "\"a, b/1.jpg\",c/2.jpg,1,\"say \"\"hi\"\"\",c,0.5\r\n"
                  "\r\n"
                  "d/1.jpg,e/1.jpg,0,d,e,\r\n");
  const auto rows = readPairsCsv(dir.file("pairs.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].sourceA, "a, b/1.jpg");
  EXPECT_EQ(rows[0].personA, "say \"hi\"");
  EXPECT_TRUE(rows[0].same);
  EXPECT_EQ(rows[0].distance, 0.5);
  EXPECT_EQ(rows[1].personB, "e");
  EXPECT_FALSE(rows[1].same);
  EXPECT_FALSE(rows[1].distance.has_value());
}

TEST(PairCsv, EmptyListHasOnlyTheHeader) {
  ScratchDir dir;
  writePairRows(dir.file("pairs.csv"), {});
  const auto bytes = test::readBytes(dir.file("pairs.csv"));
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "source_a,source_b,same,person_a,person_b\n");
  EXPECT_TRUE(readPairsCsv(dir.file("pairs.csv")).empty());
}

TEST(PairCsv, CachePairsRoundTripThroughSourcePaths) {
  ScratchDir dir;
  const FaceCache cache = makeCache(dir);
  ASSERT_EQ(cache.size(), 4u);
  const std::vector<Pair> pairs = {{0, 1, true}, {1, 2, false}, {3, 0, false}};
  writePairsCsv(dir.file("pairs.csv"), pairs, cache);

  const auto rows = readPairsCsv(dir.file("pairs.csv"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].sourceA, kSources[1]);
  EXPECT_EQ(rows[1].sourceB, kSources[2]);
  EXPECT_EQ(rows[1].personA, "Ann");
  EXPECT_EQ(rows[1].personB, "Bob");
  EXPECT_EQ(rows[2].personA, "Cy");

  const auto resolved = resolvePairs(rows, cache);
  ASSERT_EQ(resolved.size(), pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(resolved[i].a, pairs[i].a) << "row " << i;
    EXPECT_EQ(resolved[i].b, pairs[i].b) << "row " << i;
    EXPECT_EQ(resolved[i].same, pairs[i].same) << "row " << i;
  }
}

// --- resolving ------------------------------------------------------------------

TEST(PairCsv, ResolvesByPersonFolderAndFileWhenTheRootDiffers) {
  ScratchDir dir;
  const FaceCache cache = makeCache(dir);
  const std::vector<PairRow> rows = {
      {"/mnt/elsewhere/lfw/Bob/Bob_0001.jpg", "Ann/Ann_0002.jpg", false, "Bob", "Ann", std::nullopt}};
  const auto resolved = resolvePairs(rows, cache);
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].a, 2);
  EXPECT_EQ(resolved[0].b, 1);
}

TEST(PairCsv, MissingPhotoIsAnErrorNamingIt) {
  ScratchDir dir;
  const FaceCache cache = makeCache(dir);
  const std::vector<PairRow> rows = {
      {kSources[0], kSources[1], true, "Ann", "Ann", std::nullopt},
      {kSources[0], "/data/lfw/images/Dee/Dee_0001.jpg", false, "Ann", "Dee", std::nullopt},
      {"/data/lfw/images/Eve/Eve_0001.jpg", kSources[0], false, "Eve", "Ann", std::nullopt}};
  const std::string message = errorMessage([&] { resolvePairs(rows, cache); });
  EXPECT_TRUE(contains(message, "/data/lfw/images/Dee/Dee_0001.jpg")) << message;  // the first one
}

TEST(PairCsv, MissingPhotoIsMinusOneWhenAllowed) {
  ScratchDir dir;
  const FaceCache cache = makeCache(dir);
  const std::vector<PairRow> rows = {
      {kSources[0], "/data/lfw/images/Dee/Dee_0001.jpg", false, "Ann", "Dee", std::nullopt},
      {"Eve/Eve_0001.jpg", kSources[3], false, "Eve", "Cy", std::nullopt}};
  const auto resolved = resolvePairs(rows, cache, true);
  ASSERT_EQ(resolved.size(), 2u);
  EXPECT_EQ(resolved[0].a, 0);
  EXPECT_EQ(resolved[0].b, -1);
  EXPECT_EQ(resolved[1].a, -1);
  EXPECT_EQ(resolved[1].b, 3);
}

// --- malformed files ----------------------------------------------------------

TEST(PairCsv, MalformedRowsNameFileAndLine) {
  ScratchDir dir;
  const std::string header = "source_a,source_b,same,person_a,person_b,distance\n";
  const struct {
    std::string body;
    int line;
  } cases[] = {
      {"a,b,1,p,q\na,b,2,p,q\n", 3},        // label neither 0 nor 1
      {"a,b,1,p\n", 2},                     // too few fields
      {"a,b,1,p,q\n\nx,y,yes,p,q\n", 4},    // blank lines still count
      {"a,b,0,p,q,far\n", 2},               // distance not a number
  };
  for (const auto& c : cases) {
    const std::string path = dir.file("bad.csv");
    test::writeText(path, header + c.body);
    const std::string message = errorMessage([&] { readPairsCsv(path); });
    EXPECT_TRUE(contains(message, path + ":" + std::to_string(c.line) + ":")) << message;
  }
}

TEST(PairCsv, FileWithoutTheHeaderIsRejectedAtLineOne) {
  ScratchDir dir;
  test::writeText(dir.file("bad.csv"), "a,b,1,p,q\n");
  const std::string message = errorMessage([&] { readPairsCsv(dir.file("bad.csv")); });
  EXPECT_TRUE(contains(message, dir.file("bad.csv") + ":1:")) << message;
}

TEST(PairCsv, MissingFileIsAnErrorNamingIt) {
  ScratchDir dir;
  const std::string message = errorMessage([&] { readPairsCsv(dir.file("absent.csv")); });
  EXPECT_TRUE(contains(message, dir.file("absent.csv"))) << message;
}

}  // namespace
}  // namespace siamese
