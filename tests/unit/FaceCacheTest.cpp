// The face cache file: what FaceCacheWriter writes, FaceCache::load reads
// back exactly; resuming appends; a cut-short tail is ignored and then
// repaired; broken files are reported naming the path.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/Error.h"
#include "data/FaceCache.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;

namespace fs = std::filesystem;
using test::ScratchDir;


CacheSettings smallSettings() {
  CacheSettings s;
  s.cropSize = 4;
  s.channels = 1;
  s.alignedFaces = true;
  s.detector = "hog";
  s.padding = 0.25f;
  s.datasetRoot = "/data/people";
  return s;
}

// Distinct, recognisable pixels for each face.
std::vector<std::uint8_t> pattern(std::size_t bytes, int seed) {
  std::vector<std::uint8_t> p(bytes);
  for (std::size_t i = 0; i < bytes; ++i) p[i] = std::uint8_t(seed * 31 + int(i) * 7);
  return p;
}

CachedFace face(const std::string& source, float score = 0.5f) {
  CachedFace f;
  f.source = source;
  f.score = score;
  f.aligned = true;
  f.facesFound = 1;
  for (std::size_t i = 0; i < f.landmarks.size(); ++i) f.landmarks[i] = score * 100 + float(i) * 1.5f;
  return f;
}

// Bytes one face record takes in the file (tag, length, payload, crc).
std::size_t faceRecordBytes(const std::string& source, const std::string& person, const CacheSettings& s) {
  const std::size_t pixels = std::size_t(s.cropSize) * s.cropSize * s.channels;
  const std::size_t payload = 4 + source.size() + 4 + person.size() + 4 + 1 + 2 + 10 * 4 + pixels;
  return 1 + 4 + payload + 4;
}

std::vector<std::string> sourcesOf(const FaceCache& cache) {
  std::vector<std::string> out;
  for (const CachedFace& f : cache.faces()) out.push_back(f.source);
  return out;
}

std::unordered_set<std::string> set(std::initializer_list<std::string> items) { return {items}; }

void flipByte(const std::string& path, std::size_t offset) {
  auto bytes = test::readBytes(path);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] ^= 0xFF;
  test::writeBytes(path, bytes);
}

fs::perms permissionsOf(const std::string& path) { return fs::status(path).permissions() & fs::perms::all; }

// --- round trip ---------------------------------------------------------------

TEST(FaceCache, LoadGivesBackWhatWasWritten) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const CacheSettings settings = smallSettings();
  const auto p1 = pattern(16, 1), p2 = pattern(16, 2), p3 = pattern(16, 3);
  {
    // Written out of order, as parallel workers would.
    FaceCacheWriter writer(path, settings, false);
    CachedFace bob2 = face("/data/people/bob/2.jpg", 0.75f);
    bob2.aligned = false;
    bob2.facesFound = 3;
    writer.addFace(bob2, "bob", p3.data());
    writer.addFace(face("/data/people/alice/1.jpg", 0.5f), "alice", p1.data());
    writer.addFailure(CachedFailure{"/data/people/carol/1.jpg", "carol", "no face found"});
    writer.addFace(face("/data/people/bob/1.jpg", 0.25f), "bob", p2.data());
  }
  const FaceCache cache = FaceCache::load(path);

  EXPECT_EQ(cache.settings().cropSize, 4);
  EXPECT_EQ(cache.settings().channels, 1);
  EXPECT_TRUE(cache.settings().alignedFaces);
  EXPECT_EQ(cache.settings().detector, "hog");
  EXPECT_EQ(cache.settings().padding, 0.25f);
  EXPECT_EQ(cache.settings().datasetRoot, "/data/people");
  EXPECT_EQ(cache.ignoredTailBytes(), 0u);

  // carol only failed: she is no person of the cache.
  EXPECT_EQ(cache.people(), (std::vector<std::string>{"alice", "bob"}));
  ASSERT_EQ(cache.size(), 3u);
  EXPECT_EQ(sourcesOf(cache), (std::vector<std::string>{"/data/people/alice/1.jpg", "/data/people/bob/1.jpg",
                                                        "/data/people/bob/2.jpg"}));
  EXPECT_EQ(cache.faces()[0].person, 0);
  EXPECT_EQ(cache.faces()[1].person, 1);
  EXPECT_EQ(cache.faces()[2].person, 1);
  EXPECT_EQ(cache.facesByPerson(), (std::vector<std::vector<int>>{{0}, {1, 2}}));

  EXPECT_EQ(cache.bytesPerFace(), 16u);
  EXPECT_EQ(std::memcmp(cache.pixels(0), p1.data(), 16), 0);
  EXPECT_EQ(std::memcmp(cache.pixels(1), p2.data(), 16), 0);
  EXPECT_EQ(std::memcmp(cache.pixels(2), p3.data(), 16), 0);

  const CachedFace& b2 = cache.faces()[2];
  EXPECT_EQ(b2.score, 0.75f);
  EXPECT_FALSE(b2.aligned);
  EXPECT_EQ(b2.facesFound, 3);
  EXPECT_EQ(b2.landmarks, face("x", 0.75f).landmarks);
  EXPECT_TRUE(cache.faces()[0].aligned);
  EXPECT_EQ(cache.faces()[0].score, 0.5f);
  EXPECT_EQ(cache.faces()[0].landmarks, face("x", 0.5f).landmarks);

  ASSERT_EQ(cache.failures().size(), 1u);
  EXPECT_EQ(cache.failures()[0].source, "/data/people/carol/1.jpg");
  EXPECT_EQ(cache.failures()[0].person, "carol");
  EXPECT_EQ(cache.failures()[0].reason, "no face found");
}

TEST(FaceCache, ColourCropsKeepAllChannels) {
  ScratchDir dir;
  const std::string path = dir.file("colour.cache");
  CacheSettings settings = smallSettings();
  settings.cropSize = 3;
  settings.channels = 3;
  settings.alignedFaces = false;
  settings.detector = "none";
  const auto pixels = pattern(27, 9);
  {
    FaceCacheWriter writer(path, settings, false);
    writer.addFace(face("digits/7.png"), "7", pixels.data());
  }
  const FaceCache cache = FaceCache::load(path);
  EXPECT_EQ(cache.settings().channels, 3);
  EXPECT_FALSE(cache.settings().alignedFaces);
  EXPECT_EQ(cache.bytesPerFace(), 27u);
  const Image crop = cache.crop(0);
  EXPECT_EQ(crop.width(), 3);
  EXPECT_EQ(crop.height(), 3);
  EXPECT_EQ(crop.channels(), 3);
  EXPECT_EQ(crop.stride(), 9u);
  EXPECT_EQ(std::memcmp(crop.data(), pixels.data(), 27), 0);
}

TEST(FaceCache, WriterCreatesMissingFolders) {
  ScratchDir dir;
  const std::string path = dir.file("a/b/faces.cache");
  { FaceCacheWriter writer(path, smallSettings(), false); }
  const FaceCache cache = FaceCache::load(path);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.settings().detector, "hog");
}

TEST(FaceCache, FileIsReadableByItsOwnerOnly) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  { FaceCacheWriter writer(path, smallSettings(), false); }
  EXPECT_EQ(permissionsOf(path), fs::perms::owner_read | fs::perms::owner_write);

  // A resumed writer tightens a file whose mode was loosened.
  ::chmod(path.c_str(), 0644);
  { FaceCacheWriter writer(path, smallSettings(), true); }
  EXPECT_EQ(permissionsOf(path), fs::perms::owner_read | fs::perms::owner_write);
}

// --- resume ---------------------------------------------------------------------

TEST(FaceCache, ResumedWriterKnowsExistingSourcesAndAppends) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const auto px = pattern(16, 4);
  {
    FaceCacheWriter writer(path, smallSettings(), false);
    EXPECT_TRUE(writer.existingSources().empty());
    writer.addFace(face("p/a/1.jpg"), "a", px.data());
    writer.addFace(face("p/b/1.jpg"), "b", px.data());
    writer.addFailure(CachedFailure{"p/c/1.jpg", "c", "too dark"});
  }
  {
    FaceCacheWriter writer(path, smallSettings(), true);
    EXPECT_EQ(writer.existingSources(), set({"p/a/1.jpg", "p/b/1.jpg", "p/c/1.jpg"}));
    EXPECT_EQ(writer.existingSources(false), set({"p/a/1.jpg", "p/b/1.jpg"}));
    writer.addFace(face("p/a/2.jpg"), "a", px.data());
  }
  const FaceCache cache = FaceCache::load(path);
  EXPECT_EQ(sourcesOf(cache), (std::vector<std::string>{"p/a/1.jpg", "p/a/2.jpg", "p/b/1.jpg"}));
  EXPECT_EQ(cache.failures().size(), 1u);
  EXPECT_EQ(cache.ignoredTailBytes(), 0u);
}

TEST(FaceCache, ResumeOfAMissingFileStartsAfresh) {
  ScratchDir dir;
  const std::string path = dir.file("new.cache");
  const auto px = pattern(16, 5);
  {
    FaceCacheWriter writer(path, smallSettings(), true);
    EXPECT_TRUE(writer.existingSources().empty());
    writer.addFace(face("p/a/1.jpg"), "a", px.data());
  }
  EXPECT_EQ(FaceCache::load(path).size(), 1u);
}

TEST(FaceCache, WriterWithoutResumeReplacesTheFile) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const auto px = pattern(16, 6);
  {
    FaceCacheWriter writer(path, smallSettings(), false);
    writer.addFace(face("p/old/1.jpg"), "old", px.data());
  }
  {
    FaceCacheWriter writer(path, smallSettings(), false);
    EXPECT_TRUE(writer.existingSources().empty());
    writer.addFace(face("p/new/1.jpg"), "new", px.data());
  }
  EXPECT_EQ(sourcesOf(FaceCache::load(path)), std::vector<std::string>{"p/new/1.jpg"});
}

TEST(FaceCache, ResumeWithOtherSettingsNamesTheDifference) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const auto px = pattern(16, 7);
  {
    FaceCacheWriter writer(path, smallSettings(), false);
    writer.addFace(face("p/a/1.jpg"), "a", px.data());
  }
  const auto before = test::readBytes(path);

  struct Case {
    void (*change)(CacheSettings&);
    const char* expected;
  };
  const Case cases[] = {
      {[](CacheSettings& s) { s.cropSize = 8; }, "crop size 4 vs 8"},
      {[](CacheSettings& s) { s.channels = 3; }, "grey vs colour"},
      {[](CacheSettings& s) { s.alignedFaces = false; }, "aligned faces vs whole images"},
      {[](CacheSettings& s) { s.detector = "haar"; }, "detector hog vs haar"},
      {[](CacheSettings& s) { s.padding = 0.3f; }, "padding"},
      {[](CacheSettings& s) { s.alignment = "dlib-chip"; }, "alignment template vs dlib-chip"},
  };
  for (const Case& c : cases) {
    CacheSettings other = smallSettings();
    c.change(other);
    try {
      FaceCacheWriter writer(path, other, true);
      ADD_FAILURE() << "no error for " << c.expected;
    } catch (const Error& e) {
      EXPECT_TRUE(contains(e.what(), path)) << e.what();
      EXPECT_TRUE(contains(e.what(), c.expected)) << e.what();
    }
  }
  EXPECT_EQ(test::readBytes(path), before);  // the refused resumes left the file alone
}

TEST(FaceCache, TheAlignmentComesBack) {
  ScratchDir dir;
  CacheSettings chips = smallSettings();
  chips.alignment = "dlib-chip";
  { FaceCacheWriter writer(dir.file("c.cache"), chips, false); }
  EXPECT_EQ(FaceCache::load(dir.file("c.cache")).settings().alignment, "dlib-chip");
}

TEST(FaceCache, DatasetRootIsInformationalOnly) {
  CacheSettings a = smallSettings();
  CacheSettings b = smallSettings();
  EXPECT_EQ(a.incompatibility(b), "");
  b.datasetRoot = "/elsewhere";
  EXPECT_EQ(a.incompatibility(b), "");

  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  { FaceCacheWriter writer(path, a, false); }
  { FaceCacheWriter writer(path, b, true); }  // no throw
  EXPECT_EQ(FaceCache::load(path).settings().datasetRoot, "/data/people");
}

// --- damaged files ------------------------------------------------------------

TEST(FaceCache, CutShortTailIsIgnoredThenRepairedByResume) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const CacheSettings settings = smallSettings();
  const auto px = pattern(16, 8);
  {
    FaceCacheWriter writer(path, settings, false);
    writer.addFace(face("p/a/1.jpg"), "a", px.data());
    writer.addFace(face("p/a/2.jpg"), "a", px.data());
    writer.addFace(face("p/b/1.jpg"), "b", px.data());
  }
  // As if the process died while writing the last record.
  const std::size_t full = fs::file_size(path);
  fs::resize_file(path, full - 5);
  const std::size_t lastRecord = faceRecordBytes("p/b/1.jpg", "b", settings);

  const FaceCache damaged = FaceCache::load(path);
  EXPECT_EQ(sourcesOf(damaged), (std::vector<std::string>{"p/a/1.jpg", "p/a/2.jpg"}));
  EXPECT_EQ(damaged.people(), std::vector<std::string>{"a"});
  EXPECT_EQ(damaged.ignoredTailBytes(), lastRecord - 5);

  const auto px2 = pattern(16, 9);
  {
    FaceCacheWriter writer(path, settings, true);
    EXPECT_EQ(writer.existingSources(), set({"p/a/1.jpg", "p/a/2.jpg"}));
    writer.addFace(face("p/c/1.jpg"), "c", px2.data());
  }
  const FaceCache repaired = FaceCache::load(path);
  EXPECT_EQ(repaired.ignoredTailBytes(), 0u);
  EXPECT_EQ(sourcesOf(repaired), (std::vector<std::string>{"p/a/1.jpg", "p/a/2.jpg", "p/c/1.jpg"}));
  EXPECT_EQ(std::memcmp(repaired.pixels(2), px2.data(), 16), 0);
  EXPECT_EQ(fs::file_size(path), full - lastRecord + faceRecordBytes("p/c/1.jpg", "c", settings));
}

TEST(FaceCache, RecordWithABadCrcEndsTheReadableLog) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const CacheSettings settings = smallSettings();
  const auto px = pattern(16, 10);
  {
    FaceCacheWriter writer(path, settings, false);
    writer.addFace(face("p/a/1.jpg"), "a", px.data());
    writer.addFace(face("p/a/2.jpg"), "a", px.data());
  }
  // A pixel byte of the last record (10 bytes before the end: crc is 4).
  flipByte(path, fs::file_size(path) - 10);
  const FaceCache cache = FaceCache::load(path);
  EXPECT_EQ(sourcesOf(cache), std::vector<std::string>{"p/a/1.jpg"});
  EXPECT_EQ(cache.ignoredTailBytes(), faceRecordBytes("p/a/2.jpg", "a", settings));
}

// Four faces of sizes known in advance; returns where each record starts.
std::vector<std::size_t> writeFourFaces(const std::string& path, const CacheSettings& settings) {
  std::vector<std::size_t> starts;
  FaceCacheWriter writer(path, settings, false);
  writer.flush();
  std::size_t offset = fs::file_size(path);
  int seed = 20;
  for (const char* source : {"p/a/1.jpg", "p/a/2.jpg", "p/b/1.jpg", "p/b/2.jpg"}) {
    starts.push_back(offset);
    const std::string person(1, source[2]);
    writer.addFace(face(source), person, pattern(16, seed++).data());
    offset += faceRecordBytes(source, person, settings);
  }
  return starts;
}

TEST(FaceCache, ADamagedRecordMidCacheIsSkippedAndTheRecordsAfterItKept) {
  ScratchDir dir;
  const CacheSettings settings = smallSettings();
  // A flipped pixel (the record's CRC fails), then a flipped length field
  // (where the next record starts is no longer known from it).
  for (const std::size_t intoRecord : {std::size_t(40), std::size_t(2)}) {
    const std::string path = dir.file("faces-" + std::to_string(intoRecord) + ".cache");
    const auto starts = writeFourFaces(path, settings);
    flipByte(path, starts[1] + intoRecord);
    const FaceCache cache = FaceCache::load(path);
    EXPECT_EQ(sourcesOf(cache), (std::vector<std::string>{"p/a/1.jpg", "p/b/1.jpg", "p/b/2.jpg"})) << intoRecord;
    EXPECT_EQ(cache.damagedRecords(), 1u);
    EXPECT_EQ(cache.damagedBytes(), starts[2] - starts[1]);
    EXPECT_EQ(cache.ignoredTailBytes(), 0u);
    EXPECT_EQ(std::memcmp(cache.pixels(2), pattern(16, 23).data(), 16), 0);  // the last face's own pixels
    EXPECT_TRUE(contains(cache.damageNote(), "1 damaged record")) << cache.damageNote();
  }
}

TEST(FaceCache, ResumingADamagedCacheKeepsWhatFollowsTheDamageAndPreparesTheLostPhotoAgain) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const CacheSettings settings = smallSettings();
  const auto starts = writeFourFaces(path, settings);
  const std::size_t size = fs::file_size(path);
  flipByte(path, starts[1] + 40);
  {
    FaceCacheWriter writer(path, settings, true);
    EXPECT_EQ(writer.existingSources(), set({"p/a/1.jpg", "p/b/1.jpg", "p/b/2.jpg"}));
    EXPECT_EQ(fs::file_size(path), size);  // nothing after the damage was cut off
    writer.addFace(face("p/a/2.jpg"), "a", pattern(16, 21).data());
  }
  const FaceCache cache = FaceCache::load(path);
  EXPECT_EQ(cache.size(), 4u);
  EXPECT_EQ(std::memcmp(cache.pixels(1), pattern(16, 21).data(), 16), 0);
  EXPECT_EQ(cache.damagedRecords(), 1u);  // still there, still skipped
}

TEST(FaceCache, ACacheThatHoldsNothingYetDoesNotBlockARunWithOtherSettings) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  { FaceCacheWriter failedRun(path, smallSettings(), false); }  // a run that stopped before its first photo
  CacheSettings other = smallSettings();
  other.cropSize = 8;
  {
    FaceCacheWriter writer(path, other, true);
    writer.addFace(face("p/a/1.jpg"), "a", pattern(64, 1).data());
  }
  const FaceCache cache = FaceCache::load(path);
  EXPECT_EQ(cache.settings().cropSize, 8);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(FaceCache, NotACacheIsAFileErrorNamingThePath) {
  ScratchDir dir;
  for (const std::string& text : {std::string("just some text, not a face cache"), std::string("SIAM"),
                                  std::string()}) {
    const std::string path = dir.file("other.bin");
    test::writeText(path, text);
    try {
      FaceCache::load(path);
      ADD_FAILURE() << "no error for '" << text << "'";
    } catch (const FileError& e) {
      EXPECT_EQ(e.path(), path);
      EXPECT_TRUE(contains(e.what(), path)) << e.what();
    }
  }
}

TEST(FaceCache, CorruptHeaderIsAFileErrorNamingThePath) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  { FaceCacheWriter writer(path, smallSettings(), false); }
  // Magic (8) + version (4) + header length (4): the first settings byte.
  flipByte(path, 16);
  try {
    FaceCache::load(path);
    FAIL() << "expected a FileError";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_TRUE(contains(e.reason(), "corrupt")) << e.reason();
  }
}

TEST(FaceCache, TruncatedHeaderIsAFileError) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  { FaceCacheWriter writer(path, smallSettings(), false); }
  fs::resize_file(path, 20);
  try {
    FaceCache::load(path);
    FAIL() << "expected a FileError";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), path);
  }
}

TEST(FaceCache, NewerVersionIsAFileError) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  { FaceCacheWriter writer(path, smallSettings(), false); }
  auto bytes = test::readBytes(path);
  bytes[8] = 2;  // version, little-endian u32 after the magic
  test::writeBytes(path, bytes);
  try {
    FaceCache::load(path);
    FAIL() << "expected a FileError";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_TRUE(contains(e.reason(), "version 2")) << e.reason();
  }
}

TEST(FaceCache, MissingFileIsAFileError) {
  ScratchDir dir;
  try {
    FaceCache::load(dir.file("absent.cache"));
    FAIL() << "expected a FileError";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), dir.file("absent.cache"));
  }
}

TEST(FaceCache, ResumingANonCacheFileIsAFileErrorAndLeavesItAlone) {
  ScratchDir dir;
  const std::string path = dir.file("notes.txt");
  test::writeText(path, "precious notes");
  try {
    FaceCacheWriter writer(path, smallSettings(), true);
    FAIL() << "expected a FileError";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), path);
  }
  const auto bytes = test::readBytes(path);
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "precious notes");
}

// --- repeated sources ---------------------------------------------------------

TEST(FaceCache, FaceAfterAFailureOfTheSameSourceWins) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const auto px = pattern(16, 11);
  {
    FaceCacheWriter writer(path, smallSettings(), false);
    writer.addFailure(CachedFailure{"p/a/1.jpg", "a", "no face found"});
  }
  {
    // A retry in a resumed run succeeds.
    FaceCacheWriter writer(path, smallSettings(), true);
    writer.addFace(face("p/a/1.jpg"), "a", px.data());
  }
  const FaceCache cache = FaceCache::load(path);
  EXPECT_EQ(sourcesOf(cache), std::vector<std::string>{"p/a/1.jpg"});
  EXPECT_TRUE(cache.failures().empty());
}

TEST(FaceCache, FailureAfterAFaceOfTheSameSourceWins) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const auto px = pattern(16, 12);
  {
    FaceCacheWriter writer(path, smallSettings(), false);
    writer.addFace(face("p/a/1.jpg"), "a", px.data());
    writer.addFace(face("p/a/2.jpg"), "a", px.data());
    writer.addFailure(CachedFailure{"p/a/1.jpg", "a", "unreadable"});
  }
  const FaceCache cache = FaceCache::load(path);
  EXPECT_EQ(sourcesOf(cache), std::vector<std::string>{"p/a/2.jpg"});
  ASSERT_EQ(cache.failures().size(), 1u);
  EXPECT_EQ(cache.failures()[0].reason, "unreadable");
}

TEST(FaceCache, LaterFaceOfTheSameSourceReplacesPixels) {
  ScratchDir dir;
  const std::string path = dir.file("faces.cache");
  const auto first = pattern(16, 13), second = pattern(16, 14);
  {
    FaceCacheWriter writer(path, smallSettings(), false);
    writer.addFace(face("p/a/1.jpg", 0.25f), "a", first.data());
    writer.addFace(face("p/a/1.jpg", 0.75f), "a", second.data());
  }
  const FaceCache cache = FaceCache::load(path);
  ASSERT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.faces()[0].score, 0.75f);
  EXPECT_EQ(std::memcmp(cache.pixels(0), second.data(), 16), 0);
}

}  // namespace
}  // namespace siamese
