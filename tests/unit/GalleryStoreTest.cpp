// The gallery database: schema creation and upgrade, owner-only files,
// people and photos with cascading removal, duplicate photos skipped,
// embeddings kept apart per model, and clear errors for a locked,
// foreign or newer database. And open-set matching against it.

#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/Error.h"
#include "gallery/GalleryStore.h"
#include "gallery/Matcher.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;
using test::errorMessage;

Image crop(std::uint8_t value) {
  Image image(8, 8, 1);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) image.row(y)[x] = std::uint8_t(value + x + y);
  return image;
}

// Runs one statement on the database file through a separate connection.
void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST(GalleryStore, CreatesTheSchemaInAnOwnerOnlyFile) {
  test::ScratchDir dir;
  const std::string path = dir.file("sub/gallery.db");
  GalleryStore store(path);
  EXPECT_EQ(store.schemaVersion(), GalleryStore::kSchemaVersion);
  const auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_TRUE(store.people().empty());
}

TEST(GalleryStore, AnOldEmptyDatabaseIsUpgradedAndDataSurvivesReopening) {
  test::ScratchDir dir;
  const std::string path = dir.file("gallery.db");
  sql(path, "PRAGMA user_version = 0");  // a version-0 file: no tables yet
  {
    GalleryStore store(path);
    EXPECT_EQ(store.schemaVersion(), GalleryStore::kSchemaVersion);
    store.addPerson("Ada");
  }
  GalleryStore reopened(path);
  ASSERT_EQ(reopened.people().size(), 1u);
  EXPECT_EQ(reopened.people()[0].name, "Ada");
}

// The schema exactly as version 1 of this program wrote it, so the upgrade
// is tested against a real old file, not against today's code.
const char* const kVersion1Schema = R"sql(
  CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));
  CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    source_name TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    original BLOB NOT NULL,
    crop BLOB NOT NULL,
    crop_width INTEGER NOT NULL,
    crop_height INTEGER NOT NULL,
    crop_channels INTEGER NOT NULL,
    aligned INTEGER NOT NULL,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (person_id, content_hash));
  CREATE TABLE embeddings (
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    model_id TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (photo_id, model_id));
  CREATE INDEX embeddings_by_model ON embeddings(model_id);
  INSERT INTO people(id, name) VALUES (1, 'Ada');
  INSERT INTO photos(id, person_id, source_name, content_hash, original, crop, crop_width, crop_height,
                     crop_channels, aligned)
    VALUES (7, 1, 'ada.jpg', 'abc', X'010203', X'00000000', 2, 2, 1, 1);
  INSERT INTO embeddings(photo_id, model_id, vector) VALUES (7, 'model-a', X'0000803F00000040');
  PRAGMA user_version = 1;
)sql";

TEST(GalleryStore, AVersion1GalleryIsUpgradedToVersion2KeepingItsData) {
  test::ScratchDir dir;
  const std::string path = dir.file("v1.db");
  sql(path, kVersion1Schema);
  {
    GalleryStore store(path);
    EXPECT_EQ(store.schemaVersion(), GalleryStore::kSchemaVersion);
    ASSERT_EQ(store.people().size(), 1u);
    EXPECT_EQ(store.people()[0].name, "Ada");
    ASSERT_EQ(store.photosOf(1).size(), 1u);
    EXPECT_EQ(store.photosOf(1)[0].sourceName, "ada.jpg");
    EXPECT_EQ(store.originalOf(7), (std::vector<std::uint8_t>{1, 2, 3}));
    const auto embeddings = store.embeddings("model-a");
    ASSERT_EQ(embeddings.size(), 1u);
    EXPECT_EQ(embeddings[0].vector, (std::vector<float>{1.0f, 2.0f}));
    // Version 2's table is there and empty: the bundle's threshold applies.
    EXPECT_FALSE(store.threshold("model-a").has_value());
    store.setThreshold("model-a", 0.42, "far=0.01 on the gallery");
  }
  GalleryStore reopened(path);
  EXPECT_EQ(reopened.schemaVersion(), GalleryStore::kSchemaVersion);
  ASSERT_TRUE(reopened.threshold("model-a").has_value());
  EXPECT_DOUBLE_EQ(*reopened.threshold("model-a"), 0.42);
  EXPECT_EQ(reopened.thresholdRecord("model-a")->method, "far=0.01 on the gallery");
  EXPECT_FALSE(reopened.threshold("model-b").has_value());  // per model
}

TEST(GalleryStore, ThresholdsAreReplacedForgottenAndMustBeNumbers) {
  test::ScratchDir dir;
  GalleryStore store(dir.file("g.db"));
  store.setThreshold("m", 0.5, "first");
  store.setThreshold("m", 0.7, "second");
  EXPECT_DOUBLE_EQ(*store.threshold("m"), 0.7);
  EXPECT_THROW(store.setThreshold("m", std::nan(""), "broken"), Error);
  EXPECT_DOUBLE_EQ(*store.threshold("m"), 0.7);
  EXPECT_TRUE(store.clearThreshold("m"));
  EXPECT_FALSE(store.clearThreshold("m"));
  EXPECT_FALSE(store.threshold("m").has_value());
}

TEST(GalleryStore, AChangeScopeKeepsAllOrNothing) {
  test::ScratchDir dir;
  GalleryStore store(dir.file("g.db"));
  {
    GalleryStore::ChangeScope change(store);
    const auto ada = store.addPerson("Ada");
    ASSERT_TRUE(store.addPhoto(ada, "a.jpg", {1}, crop(1), true).has_value());
    // Left without commit(), as when an exception ends an import.
  }
  EXPECT_TRUE(store.people().empty());
  {
    GalleryStore::ChangeScope change(store);
    store.addPerson("Bob");
    store.addPerson("Cy");
    change.commit();
  }
  EXPECT_EQ(store.people().size(), 2u);
}

TEST(GalleryStore, PeopleAreAddedRenamedAndRemovedWithTheirPhotos) {
  test::ScratchDir dir;
  GalleryStore store(dir.file("g.db"));
  const auto ada = store.addPerson("Ada");
  const auto bob = store.addPerson("Bob");
  EXPECT_TRUE(contains(errorMessage([&] { store.addPerson("Ada"); }), "already a person called 'Ada'"));
  EXPECT_THROW(store.addPerson(""), Error);
  store.renamePerson(bob, "Robert");
  EXPECT_TRUE(store.findPerson("Robert").has_value());
  EXPECT_FALSE(store.findPerson("Bob").has_value());
  EXPECT_THROW(store.renamePerson(bob, "Ada"), Error);

  const auto photo = store.addPhoto(ada, "ada1.jpg", {1, 2, 3}, crop(10), true);
  ASSERT_TRUE(photo.has_value());
  store.setEmbedding(*photo, "model-a", {0.5f, 0.25f});
  EXPECT_EQ(store.findPerson("Ada")->photoCount, 1);
  store.removePerson(ada);
  EXPECT_FALSE(store.findPerson("Ada").has_value());
  EXPECT_TRUE(store.embeddings("model-a").empty());  // cascaded
  EXPECT_THROW(store.removePerson(ada), Error);
}

TEST(GalleryStore, PhotosKeepTheirCropAndOriginalAndDuplicatesAreSkipped) {
  test::ScratchDir dir;
  GalleryStore store(dir.file("g.db"));
  const auto ada = store.addPerson("Ada");
  const std::vector<std::uint8_t> original = {9, 8, 7, 6};
  const auto id = store.addPhoto(ada, "a.jpg", original, crop(40), false);
  ASSERT_TRUE(id.has_value());
  EXPECT_FALSE(store.addPhoto(ada, "copy-of-a.jpg", original, crop(40), false).has_value());
  EXPECT_EQ(store.photosOf(ada).size(), 1u);
  EXPECT_EQ(store.originalOf(*id), original);
  const Image back = store.cropOf(*id);
  ASSERT_EQ(back.width(), 8);
  EXPECT_DOUBLE_EQ(test::meanAbsDifference(back, crop(40)), 0.0);
  EXPECT_FALSE(store.photosOf(ada)[0].aligned);
}

TEST(GalleryStore, EmbeddingsAreKeptPerModelAndReembeddingResumes) {
  test::ScratchDir dir;
  GalleryStore store(dir.file("g.db"));
  const auto ada = store.addPerson("Ada");
  const auto p1 = *store.addPhoto(ada, "1.jpg", {1}, crop(1), true);
  const auto p2 = *store.addPhoto(ada, "2.jpg", {2}, crop(2), true);
  store.setEmbedding(p1, "old", {1, 2, 3});
  store.setEmbedding(p2, "old", {4, 5, 6});
  store.setEmbedding(p1, "new", {7, 8});
  const auto newer = store.embeddings("new");
  ASSERT_EQ(newer.size(), 1u);
  EXPECT_EQ(newer[0].vector, (std::vector<float>{7, 8}));
  EXPECT_EQ(newer[0].personId, ada);
  EXPECT_EQ(store.embeddings("old").size(), 2u);
  EXPECT_EQ(store.photosWithoutEmbedding("new"), (std::vector<std::int64_t>{p2}));
  store.setEmbedding(p1, "new", {9, 9});  // replaced, not duplicated
  EXPECT_EQ(store.embeddings("new")[0].vector, (std::vector<float>{9, 9}));
}

// Before anything is written: another program's database keeps its own
// tables only, an archive is sent to import, and damaged pages are reported.
TEST(GalleryStore, OnlyAGalleryIsOpenedAsOneAndDamageIsReported) {
  test::ScratchDir dir;
  const std::string foreign = dir.file("invoices.db");
  sql(foreign, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)");
  const std::string refused = errorMessage([&] { GalleryStore store(foreign); });
  EXPECT_TRUE(contains(refused, "another program's SQLite database (tables: invoices)")) << refused;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(foreign.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* tables = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", -1, &tables, nullptr);
  sqlite3_step(tables);
  EXPECT_EQ(sqlite3_column_int(tables, 0), 1) << "nothing was added to it";
  sqlite3_finalize(tables);
  sqlite3_close(db);

  sql(dir.file("other.db"), "PRAGMA application_id = 1234");
  EXPECT_TRUE(contains(errorMessage([&] { GalleryStore store(dir.file("other.db")); }), "belongs to another program"));

  const std::string path = dir.file("gallery.db");
  {
    GalleryStore store(path);
    const auto ada = store.addPerson("Ada");
    // Enough rows to fill several pages.
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE(store.addPhoto(ada, "p" + std::to_string(i), std::vector<std::uint8_t>(3000, std::uint8_t(i)), crop(1),
                                 true));
    }
  }
  {
    GalleryStore reopened(path);  // a gallery opens, and is marked as one
    EXPECT_EQ(reopened.photosOf(reopened.personIdOf("Ada")).size(), 40u);
  }
  // Garbage over a page in the middle of the file.
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096 * 3);
    const std::string garbage(4096, '\x5a');
    file.write(garbage.data(), std::streamsize(garbage.size()));
  }
  const std::string damaged = errorMessage([&] { GalleryStore store(path); });
  EXPECT_TRUE(contains(damaged, "is damaged")) << damaged;
}

TEST(GalleryStore, AMistypedPathIsRefusedWhereTheGalleryMustExistAndNothingIsCreated) {
  test::ScratchDir dir;
  const std::string mistyped = dir.file("galleyr/gallery.db");
  const std::string message = errorMessage([&] { GalleryStore store(mistyped, GalleryOpening::MustExist); });
  EXPECT_TRUE(contains(message, mistyped + ": no gallery here")) << message;
  EXPECT_FALSE(std::filesystem::exists(dir.file("galleyr"))) << "no folder was made";

  test::writeText(dir.file("empty.db"), "");
  EXPECT_TRUE(contains(errorMessage([&] { GalleryStore store(dir.file("empty.db"), GalleryOpening::MustExist); }),
                       "is an empty file, not a gallery"));
  std::filesystem::create_directories(dir.file("folder.db"));
  EXPECT_TRUE(contains(errorMessage([&] { GalleryStore store(dir.file("folder.db")); }), "is a folder"));

  {
    GalleryStore created(dir.file("new/gallery.db"));  // enrolment makes one where there was none
    created.addPerson("Ada");
  }
  GalleryStore existing(dir.file("new/gallery.db"), GalleryOpening::MustExist);
  EXPECT_EQ(existing.people().size(), 1u);
}

// The app opens a new gallery from several threads at once (the people
// list, the live view, a job): each must find the schema made, whoever
// made it, never "table already exists".
TEST(GalleryStore, ANewGalleryOpenedFromSeveralThreadsAtOnceIsMadeOnce) {
  test::ScratchDir dir;
  for (int round = 0; round < 25; ++round) {
    const std::string path = dir.file("new-" + std::to_string(round) + ".db");
    std::vector<std::string> errors(4);
    std::vector<std::thread> openers;
    for (std::size_t t = 0; t < errors.size(); ++t) {
      openers.emplace_back([&, t] {
        try {
          GalleryStore store(path);
        } catch (const std::exception& e) {
          errors[t] = e.what();
        }
      });
    }
    for (std::thread& opener : openers) opener.join();
    for (const std::string& error : errors) ASSERT_EQ(error, "") << "round " << round;
    EXPECT_EQ(GalleryStore(path).schemaVersion(), GalleryStore::kSchemaVersion);
  }
}

TEST(GalleryStore, ForeignNewerAndLockedDatabasesGiveClearErrors) {
  test::ScratchDir dir;
  test::writeText(dir.file("notes.db"), std::string(4096, 'x'));
  EXPECT_TRUE(contains(errorMessage([&] { GalleryStore store(dir.file("notes.db")); }), "notes.db"));

  sql(dir.file("future.db"), "PRAGMA user_version = 99");
  EXPECT_TRUE(contains(errorMessage([&] { GalleryStore store(dir.file("future.db")); }), "newer"));

  GalleryStore store(dir.file("busy.db"));
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("busy.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  const std::string message = errorMessage([&] { store.addPerson("Ada"); });
  EXPECT_TRUE(contains(message, "locked")) << message;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_NO_THROW(store.addPerson("Ada"));  // nothing was half-written
  EXPECT_EQ(store.people().size(), 1u);
}

}  // namespace
}  // namespace siamese

namespace siamese {
namespace {


// Person 1 has references at (0,0) and (1,0); person 2 at (5,5); person 3 at (0,3).
std::vector<StoredEmbedding> references() {
  return {{10, 1, {0, 0}}, {11, 1, {1, 0}}, {20, 2, {5, 5}}, {30, 3, {0, 3}}};
}

TEST(GalleryMatcher, NamesTheNearestPersonByTheirNearestReference) {
  const GalleryMatcher matcher(references(), test::euclideanDistance);
  const MatchResult r = matcher.match({1.2f, 0.0f}, 0.5);
  ASSERT_TRUE(r.known);
  EXPECT_EQ(r.best()->personId, 1);
  EXPECT_EQ(r.best()->photoId, 11);           // the nearer of person 1's two photos
  EXPECT_NEAR(r.best()->distance, 0.2, 1e-6);
  ASSERT_EQ(r.ranked.size(), 3u);             // one entry per person
  EXPECT_EQ(r.ranked[1].personId, 3);
  EXPECT_EQ(r.ranked[2].personId, 2);
}

TEST(GalleryMatcher, AFaceFarFromEveryoneIsUnknown) {
  const GalleryMatcher matcher(references(), test::euclideanDistance);
  const MatchResult r = matcher.match({10.0f, -10.0f}, 1.0);
  EXPECT_FALSE(r.known);
  EXPECT_EQ(r.best(), nullptr);
  ASSERT_FALSE(r.ranked.empty());             // candidates are still listed
  EXPECT_GE(r.ranked.front().distance, 1.0);
}

TEST(GalleryMatcher, TopKLimitsTheCandidatesAndMixedSizesAreRefused) {
  const GalleryMatcher matcher(references(), test::euclideanDistance);
  EXPECT_EQ(matcher.match({0, 0}, 1.0, 1).ranked.size(), 1u);
  EXPECT_FALSE(GalleryMatcher({}, test::euclideanDistance).match({0, 0}, 1.0).known);
  std::vector<StoredEmbedding> mixed = references();
  mixed.push_back({40, 4, {1, 2, 3}});
  EXPECT_THROW(GalleryMatcher(mixed, test::euclideanDistance), Error);
}

}  // namespace
}  // namespace siamese
