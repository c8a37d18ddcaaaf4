// Gallery archives: an export imported into an empty gallery gives back the
// same people, photos, crops and embeddings; an import into a gallery that
// already has some of them merges by name and photo bytes without
// duplicating or losing anything; and damaged, truncated, altered or
// foreign files are refused naming the file, leaving the gallery as it was.

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <set>

#include "common/Error.h"
#include "common/Version.h"
#include "gallery/GalleryArchive.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;
using test::errorMessage;

Image crop(std::uint8_t value) {
  Image image(8, 8, 3);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8 * 3; ++x) image.row(y)[x] = std::uint8_t(value * 3 + x + y);
  return image;
}

// Photo bytes large enough that the archive spans many SQLite pages (so that
// cutting the file in half really loses data).
std::vector<std::uint8_t> original(std::uint8_t seed) {
  std::vector<std::uint8_t> bytes(20000);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = std::uint8_t(seed * 31 + i * 7);
  return bytes;
}

void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

// Ada: two photos (models a and b); Bob: one photo (model a); Cy: no photos.
void fillSource(GalleryStore& store) {
  const auto ada = store.addPerson("Ada");
  const auto ada1 = *store.addPhoto(ada, "ada1.jpg", original(1), crop(1), true);
  const auto ada2 = *store.addPhoto(ada, "ada2.jpg", original(2), crop(2), false);
  const auto bob = store.addPerson("Bob");
  const auto bob1 = *store.addPhoto(bob, "bob1.jpg", original(3), crop(3), true);
  store.addPerson("Cy");
  store.setEmbedding(ada1, "model-a", {1, 0, 0});
  store.setEmbedding(ada2, "model-a", {0.9f, 0.1f, 0});
  store.setEmbedding(bob1, "model-a", {0, 1, 0});
  store.setEmbedding(ada1, "model-b", {0.5f, 0.5f});
  store.setEmbedding(ada2, "model-b", {0.4f, 0.6f});
}

// Everything a gallery holds, keyed by what survives a move between
// galleries (names and photo hashes, not row ids).
struct Contents {
  std::set<std::string> people;
  std::map<std::string, std::string> photoOwner;                 // hash -> person
  std::map<std::string, std::vector<std::uint8_t>> crops, originals;  // hash -> bytes
  std::map<std::string, bool> aligned;
  std::map<std::pair<std::string, std::string>, std::vector<float>> embeddings;  // (model, hash) -> vector
  std::size_t photoCount = 0;
};

Contents contentsOf(const GalleryStore& store, const std::vector<std::string>& models) {
  Contents c;
  std::map<std::int64_t, std::string> hashOfPhoto;
  for (const GalleryPerson& person : store.people()) {
    c.people.insert(person.name);
    for (const GalleryPhoto& photo : store.photosOf(person.id)) {
      ++c.photoCount;
      c.photoOwner[photo.contentHash] = person.name;
      const Image image = store.cropOf(photo.id);
      c.crops[photo.contentHash].assign(image.data(), image.data() + image.width() * image.height() * image.channels());
      c.originals[photo.contentHash] = store.originalOf(photo.id);
      c.aligned[photo.contentHash] = photo.aligned;
      hashOfPhoto[photo.id] = photo.contentHash;
    }
  }
  for (const std::string& model : models) {
    for (const StoredEmbedding& e : store.embeddings(model)) c.embeddings[{model, hashOfPhoto.at(e.photoId)}] = e.vector;
  }
  return c;
}

class GalleryArchive : public ::testing::Test {
 protected:
  void SetUp() override {
    m_source = std::make_unique<GalleryStore>(m_dir.file("source.db"));
    fillSource(*m_source);
    m_archive = m_dir.file("out/gallery.archive");
    m_info = exportGallery(*m_source, m_archive, "model-a");
  }

  test::ScratchDir m_dir;
  std::unique_ptr<GalleryStore> m_source;
  std::string m_archive;
  ArchiveInfo m_info;
};

TEST_F(GalleryArchive, TheArchiveDescribesItselfAndIsOwnerOnly) {
  EXPECT_EQ(m_info.people, 3u);
  EXPECT_EQ(m_info.photos, 3u);
  EXPECT_EQ(m_info.embeddings, 5u);
  const ArchiveInfo read = readArchiveInfo(m_archive);
  EXPECT_EQ(read.formatVersion, kArchiveFormatVersion);
  EXPECT_EQ(read.schemaVersion, GalleryStore::kSchemaVersion);
  EXPECT_EQ(read.modelId, "model-a");
  EXPECT_EQ(read.modelIds, (std::vector<std::string>{"model-a", "model-b"}));
  EXPECT_EQ(read.programVersion, kVersion);
  EXPECT_EQ(read.people, 3u);
  EXPECT_EQ(read.photos, 3u);
  EXPECT_EQ(read.embeddings, 5u);
  EXPECT_EQ(read.exportedAt.size(), std::string("2024-01-01T00:00:00Z").size());
  const auto perms = std::filesystem::status(m_archive).permissions() & std::filesystem::perms::all;
  EXPECT_EQ(perms, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // Exporting again replaces the archive and leaves no temporary file behind.
  m_source->addPerson("Dee");
  EXPECT_EQ(exportGallery(*m_source, m_archive, "model-a").people, 4u);
  EXPECT_EQ(readArchiveInfo(m_archive).people, 4u);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(m_dir.file("out"))) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "gallery.archive");
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(GalleryArchive, AnArchiveIsNotOpenedAsAGallery) {
  const std::string message = test::errorMessage([&] { GalleryStore store(m_archive); });
  EXPECT_TRUE(test::contains(message, "is a gallery archive, not a gallery")) << message;
  EXPECT_EQ(readArchiveInfo(m_archive).people, 3u) << "and it is left as it was";
}

TEST_F(GalleryArchive, WhatAKilledExportLeftBehindIsRemovedByTheNextOne) {
  // A process id that is not running: the highest possible one.
  const std::string dead = m_archive + ".tmp-4194304";
  test::writeText(dead, "half an archive");
  test::writeText(dead + "-journal", "its journal");
  const std::string other = m_dir.file("out/notes.txt");
  test::writeText(other, "not ours");
  exportGallery(*m_source, m_archive, "model-a");
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_FALSE(std::filesystem::exists(dead + "-journal"));
  EXPECT_TRUE(std::filesystem::exists(other)) << "only the export's own leftovers go";
  EXPECT_EQ(readArchiveInfo(m_archive).people, 3u);
}

TEST_F(GalleryArchive, ImportIntoAnEmptyGalleryGivesBackEverything) {
  GalleryStore target(m_dir.file("target.db"));
  const ImportSummary s = importGallery(target, m_archive);
  EXPECT_EQ(s.peopleAdded, 3u);
  EXPECT_EQ(s.peopleMerged, 0u);
  EXPECT_EQ(s.photosAdded, 3u);
  EXPECT_EQ(s.photosSkipped, 0u);
  EXPECT_EQ(s.embeddingsImported, 5u);
  EXPECT_EQ(s.embeddingsSkipped, 0u);
  EXPECT_EQ(s.archive.modelId, "model-a");

  const Contents before = contentsOf(*m_source, {"model-a", "model-b"});
  const Contents after = contentsOf(target, {"model-a", "model-b"});
  EXPECT_EQ(after.people, before.people);
  EXPECT_EQ(after.photoCount, 3u);
  EXPECT_EQ(after.photoOwner, before.photoOwner);
  EXPECT_EQ(after.crops, before.crops);
  EXPECT_EQ(after.originals, before.originals);
  EXPECT_EQ(after.aligned, before.aligned);
  EXPECT_EQ(after.embeddings, before.embeddings);
  EXPECT_EQ(after.embeddings.size(), 5u);
}

TEST_F(GalleryArchive, ImportMergesByNameAndPhotoWithoutDuplicatingOrLosing) {
  GalleryStore target(m_dir.file("target.db"));
  // The target already has Ada with her first photo (and its model-a
  // embedding, which must not be replaced), a photo of Ada the source lacks,
  // and Dan, whom the archive does not know.
  const auto ada = target.addPerson("Ada");
  const auto ada1 = *target.addPhoto(ada, "ada-first.jpg", original(1), crop(1), true);
  target.setEmbedding(ada1, "model-a", {7, 7, 7});
  target.addPhoto(ada, "ada-other.jpg", original(9), crop(9), true);
  const auto dan = target.addPerson("Dan");
  target.addPhoto(dan, "dan.jpg", original(4), crop(4), true);

  const ImportSummary s = importGallery(target, m_archive);
  EXPECT_EQ(s.peopleAdded, 2u);   // Bob, Cy
  EXPECT_EQ(s.peopleMerged, 1u);  // Ada
  EXPECT_EQ(s.photosAdded, 2u);   // ada2, bob1
  EXPECT_EQ(s.photosSkipped, 1u); // ada1
  EXPECT_EQ(s.embeddingsImported, 4u);  // ada1/b (missing before), ada2/a+b, bob1/a
  EXPECT_EQ(s.embeddingsSkipped, 1u);   // ada1/a was there

  EXPECT_EQ(target.people().size(), 4u);
  EXPECT_EQ(target.findPerson("Ada")->photoCount, 3);
  EXPECT_EQ(target.findPerson("Bob")->photoCount, 1);
  EXPECT_EQ(target.findPerson("Cy")->photoCount, 0);
  EXPECT_EQ(target.findPerson("Dan")->photoCount, 1);
  const Contents merged = contentsOf(target, {"model-a", "model-b"});
  const std::string ada1Hash = target.photosOf(ada)[0].contentHash;
  EXPECT_EQ(merged.embeddings.at({"model-a", ada1Hash}), (std::vector<float>{7, 7, 7}));  // kept, not replaced
  EXPECT_EQ(merged.embeddings.at({"model-b", ada1Hash}), (std::vector<float>{0.5f, 0.5f}));
  EXPECT_EQ(merged.embeddings.size(), 5u);  // 1 kept + 4 imported; the photos only the target had have none

  // Importing the same archive again changes nothing.
  const ImportSummary again = importGallery(target, m_archive);
  EXPECT_EQ(again.peopleAdded, 0u);
  EXPECT_EQ(again.peopleMerged, 3u);
  EXPECT_EQ(again.photosAdded, 0u);
  EXPECT_EQ(again.photosSkipped, 3u);
  EXPECT_EQ(again.embeddingsImported, 0u);
  EXPECT_EQ(contentsOf(target, {"model-a", "model-b"}).photoCount, 5u);
}

// The gallery a failed import must leave untouched.
class FailedImport : public GalleryArchive {
 protected:
  void SetUp() override {
    GalleryArchive::SetUp();
    m_target = std::make_unique<GalleryStore>(m_dir.file("target.db"));
    const auto eve = m_target->addPerson("Eve");
    m_target->setEmbedding(*m_target->addPhoto(eve, "eve.jpg", original(5), crop(5), true), "model-a", {0, 0, 1});
  }

  void expectTargetUnchanged() {
    const auto people = m_target->people();
    ASSERT_EQ(people.size(), 1u);
    EXPECT_EQ(people[0].name, "Eve");
    EXPECT_EQ(people[0].photoCount, 1);
    EXPECT_EQ(m_target->embeddings("model-a").size(), 1u);
    EXPECT_TRUE(m_target->embeddings("model-b").empty());
  }

  std::string importError(const std::string& path) {
    return errorMessage([&] { importGallery(*m_target, path); });
  }

  std::unique_ptr<GalleryStore> m_target;
};

TEST_F(FailedImport, ATruncatedArchiveIsRefused) {
  auto bytes = test::readBytes(m_archive);
  ASSERT_GT(bytes.size(), 40000u);
  bytes.resize(bytes.size() / 2);
  const std::string cut = m_dir.file("cut.archive");
  test::writeBytes(cut, bytes);
  const std::string message = importError(cut);
  EXPECT_TRUE(contains(message, "cut.archive")) << message;
  EXPECT_TRUE(contains(message, "damaged or truncated") || contains(message, "do not match")) << message;
  expectTargetUnchanged();
}

TEST_F(FailedImport, FilesThatAreNotArchivesAreRefusedNamingThem) {
  test::writeText(m_dir.file("notes.archive"), std::string(8192, 'x'));
  std::string message = importError(m_dir.file("notes.archive"));
  EXPECT_TRUE(contains(message, "notes.archive")) << message;
  EXPECT_TRUE(contains(message, "not a")) << message;

  message = importError(m_dir.file("source.db"));  // a gallery, not an archive
  EXPECT_TRUE(contains(message, "gallery database, not an archive")) << message;

  message = importError(m_dir.file("missing.archive"));
  EXPECT_TRUE(contains(message, "missing.archive: no such file")) << message;

  sql(m_dir.file("other.db"), "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
  message = importError(m_dir.file("other.db"));
  EXPECT_TRUE(contains(message, "not a gallery archive")) << message;
  expectTargetUnchanged();
}

TEST_F(FailedImport, AnArchiveWithMissingRowsIsRefused) {
  sql(m_archive, "DELETE FROM embeddings WHERE model_id = 'model-b'");
  const std::string message = importError(m_archive);
  EXPECT_TRUE(contains(message, "truncated or altered")) << message;
  expectTargetUnchanged();
}

TEST_F(FailedImport, ADamagedPhotoHalfWayUndoesEverythingImportedBeforeIt) {
  // Bob comes after Ada: by the time his photo is read, Ada and her photos
  // are already written inside the import's transaction.
  sql(m_archive, "UPDATE photos SET original = X'00' WHERE source_name = 'bob1.jpg'");
  const std::string message = importError(m_archive);
  EXPECT_TRUE(contains(message, "gallery.archive")) << message;
  EXPECT_TRUE(contains(message, "bob1.jpg")) << message;
  EXPECT_TRUE(contains(message, "damaged")) << message;
  expectTargetUnchanged();
  EXPECT_FALSE(m_target->findPerson("Ada").has_value());
}

TEST_F(FailedImport, EmbeddingsOfAnotherSizeThanTheGalleryHoldsForTheModelAreRefused) {
  // The target's model-a embeddings have 3 values; these have 4.
  sql(m_archive, "UPDATE embeddings SET vector = X'0000803F000000000000000000000000' WHERE model_id = 'model-a'");
  const std::string message = importError(m_archive);
  EXPECT_TRUE(contains(message, "gallery.archive")) << message;
  EXPECT_TRUE(contains(message, "has 4 values where 3 are expected")) << message;
  expectTargetUnchanged();
}

TEST_F(FailedImport, EmbeddingsThatAreNotNumbersAreRefused) {
  // 0x7FC00000: a NaN, where Ada's first value was.
  sql(m_archive, "UPDATE embeddings SET vector = X'0000C07F0000000000000000' WHERE model_id = 'model-a'");
  const std::string message = importError(m_archive);
  EXPECT_TRUE(contains(message, "not numbers")) << message;
  expectTargetUnchanged();
}

TEST_F(GalleryArchive, EmbeddingsOfTheWrongSizeAreFoundAndRemovedForReembedding) {
  EXPECT_EQ(m_source->embeddingDimension("model-a"), 3u);
  EXPECT_EQ(m_source->embeddingDimension("model-none"), 0u);
  EXPECT_EQ(m_source->countEmbeddingsNotOfSize("model-a", 3), 0u);
  EXPECT_EQ(m_source->countEmbeddingsNotOfSize("model-a", 128), 3u);
  EXPECT_EQ(m_source->removeEmbeddingsNotOfSize("model-b", 2), 0u);
  EXPECT_EQ(m_source->removeEmbeddingsNotOfSize("model-a", 128), 3u);
  EXPECT_TRUE(m_source->embeddings("model-a").empty());
  EXPECT_EQ(m_source->embeddings("model-b").size(), 2u);  // another model's are left alone
  EXPECT_EQ(m_source->photosWithoutEmbedding("model-a").size(), 3u);
}

TEST_F(FailedImport, AnArchiveFromANewerProgramIsRefused) {
  sql(m_archive, "UPDATE archive_info SET value = '99' WHERE key = 'format_version'");
  const std::string message = importError(m_archive);
  EXPECT_TRUE(contains(message, "newer")) << message;
  expectTargetUnchanged();
}

}  // namespace
}  // namespace siamese
