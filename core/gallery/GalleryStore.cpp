#include "gallery/GalleryStore.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/Hash.h"
#include "gallery/detail/ArchiveFormat.h"
#include "gallery/detail/Sqlite.h"
#include "gallery/detail/StoredCrop.h"

namespace siamese {
namespace {

// Each entry upgrades the schema from version i to i + 1.
const char* const kMigrations[] = {
    // 0 -> 1
    R"sql(
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
    )sql",
    // 1 -> 2: thresholds calibrated on the gallery's own photos, per model.
    R"sql(
      CREATE TABLE thresholds (
        model_id TEXT PRIMARY KEY,
        value REAL NOT NULL,
        method TEXT NOT NULL,
        set_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));
    )sql",
    // 2 -> 3: corrections. A photo's role says whether it shows the person
    // ('reference') or a face the user said is not them ('rejected', or
    // 'rejected-reference' for a reference photo they took back, which an
    // undo restores). Rejected faces keep their original and embeddings, so
    // that re-embedding, export and import carry them like any photo.
    R"sql(
      ALTER TABLE photos ADD COLUMN role TEXT NOT NULL DEFAULT 'reference'
        CHECK (role IN ('reference', 'rejected', 'rejected-reference'));
      ALTER TABLE photos ADD COLUMN role_set_at TEXT;
    )sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == GalleryStore::kSchemaVersion,
              "one migration step per schema version");

/// Stored in the SQLite header (PRAGMA application_id): "SGAL", so that a
/// gallery is told from an archive ("SGAR") and from other programs' files.
constexpr std::int32_t kGalleryApplicationId = 0x5347414C;

const char* const kReference = "reference";
const char* const kRejected = "rejected";
const char* const kRejectedReference = "rejected-reference";

}  // namespace

using detail::Statement;
using detail::Transaction;

struct GalleryStore::Db : detail::SqliteConnection {};

struct GalleryStore::ChangeScope::Impl {
  explicit Impl(const Db& db) : transaction(db) {}
  Transaction transaction;
};

GalleryStore::ChangeScope::ChangeScope(GalleryStore& store) : m_impl(std::make_unique<Impl>(*store.m_db)) {}
GalleryStore::ChangeScope::~ChangeScope() = default;
void GalleryStore::ChangeScope::commit() { m_impl->transaction.commit(); }

GalleryStore::GalleryStore(const std::string& path, GalleryOpening opening)
    : m_path(path), m_db(std::make_unique<Db>()) {
  m_db->kind = "gallery";
  namespace fs = std::filesystem;
  std::error_code ec;
  // symlink_status: a loop of links exists (and is then refused, named).
  const bool existed = fs::symlink_status(path, ec).type() != fs::file_type::not_found;
  if (existed) {
    requireRegularFile(path);  // a folder or a named pipe is not opened
    if (opening == GalleryOpening::MustExist && fs::file_size(path, ec) == 0) {
      throw FileError(path, "is an empty file, not a gallery (check the path)");
    }
  } else if (opening == GalleryOpening::MustExist) {
    throw FileError(path, "no gallery here (check the path; `siamese gallery add` or import makes one)");
  } else if (fs::path(path).has_parent_path()) {
    fs::create_directories(fs::path(path).parent_path(), ec);
  }
  m_db->open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!existed) ::chmod(path.c_str(), 0600);  // biometric data: owner only
  sqlite3_busy_timeout(m_db->handle, 3000);
  m_db->exec("PRAGMA foreign_keys = ON", "cannot enable foreign keys");
  // The app opens a new gallery from several threads at once: one at a
  // time checks, marks, switches and upgrades it, and the others then find
  // it done. (SQLite gives up at once, without waiting, when two readers
  // both want to write; serialising here avoids that.)
  static std::mutex openingInThisProcess;
  const std::lock_guard<std::mutex> oneAtATime(openingInThisProcess);
  checkItIsAGallery();
  useWriteAheadLog();
  migrate();
}

void GalleryStore::useWriteAheadLog() {
  // Once set, write-ahead logging stays with the file: only a gallery not
  // yet switched needs the exclusive lock. Another program opening the same
  // new file may hold it a moment (SQLite then gives up without waiting):
  // try again for a few seconds.
  const auto mode = [this] {
    Statement query(*m_db, "PRAGMA journal_mode");
    return query.step("cannot read the journal mode") ? query.text(0) : std::string();
  };
  const auto giveUpAt = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (mode() != "wal") {
    const int result = sqlite3_exec(m_db->handle, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    if (result == SQLITE_OK) {
      if (mode() != "wal") throw Error("gallery " + m_path + ": SQLite would not use write-ahead logging for it");
      return;
    }
    if ((result & 0xFF) != SQLITE_BUSY || std::chrono::steady_clock::now() > giveUpAt) {
      m_db->fail("cannot switch to write-ahead logging");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void GalleryStore::checkItIsAGallery() {
  // Before anything is written: another program's database must not get
  // our tables, an archive is imported rather than opened, and a damaged
  // file is reported rather than read and written.
  const std::int64_t applicationId = readApplicationId();
  std::vector<std::string> tables;
  {
    Statement list(*m_db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    while (list.step("cannot read the file's tables")) tables.push_back(list.text(0));
  }
  const auto has = [&tables](const char* name) { return std::find(tables.begin(), tables.end(), name) != tables.end(); };
  if (applicationId == detail::kArchiveApplicationId || has("archive_info")) {
    throw Error("gallery " + m_path + " is a gallery archive, not a gallery: import it with `siamese gallery import`");
  }
  if (applicationId != 0 && applicationId != kGalleryApplicationId) {
    throw Error("gallery " + m_path + " belongs to another program (SQLite application id " +
                std::to_string(applicationId) + "); nothing was written to it");
  }
  if (!tables.empty() && !has("people")) {
    std::string names;
    for (std::size_t i = 0; i < tables.size() && i < 5; ++i) names += (i ? ", " : "") + tables[i];
    throw Error("gallery " + m_path + " is another program's SQLite database (tables: " + names +
                "); nothing was written to it: choose another file for the gallery");
  }
  {
    Statement check(*m_db, "PRAGMA quick_check(1)");
    check.step("cannot check the file");
    if (check.text(0) != "ok") {
      throw Error("gallery " + m_path + " is damaged (" + check.text(0) +
                  "); nothing was written to it. Restore a copy or an exported archive; `sqlite3 " + m_path +
                  " .recover` may save what is left");
    }
  }  // every statement is finished before the write below: an open one would hold a read lock
  if (applicationId == 0) {  // new, or made before galleries were marked
    // Under the write lock, looked at again: another connection may be
    // marking the same new file.
    Transaction t(*m_db);
    if (readApplicationId() == 0) {
      m_db->exec(("PRAGMA application_id = " + std::to_string(kGalleryApplicationId)).c_str(),
                 "cannot mark the file as a gallery");
    }
    t.commit();
  }
}

std::int64_t GalleryStore::readApplicationId() const {
  Statement id(*m_db, "PRAGMA application_id");
  id.step("cannot read the file's header");
  return id.integer(0);
}

GalleryStore::~GalleryStore() = default;

int GalleryStore::schemaVersion() const {
  Statement s(*m_db, "PRAGMA user_version");
  s.step("cannot read the schema version");
  return int(s.integer(0));
}

void GalleryStore::migrate() {
  // A first look without the write lock: a gallery already up to date
  // (every opening but the first) takes none, and a newer one is refused
  // even where the file may not be written.
  int v = schemaVersion();
  for (;;) {
    if (v > kSchemaVersion) {
      throw Error("gallery " + m_path + " has schema version " + std::to_string(v) + ", newer than this program's " +
                  std::to_string(kSchemaVersion) + "; update Siamese Studio");
    }
    if (v == kSchemaVersion) return;
    // One transaction per step: a failed upgrade leaves the previous version
    // intact. The version is read inside it, under the write lock: another
    // connection (the app opens a new gallery from several threads at once)
    // may have made this step while this one waited for the lock.
    Transaction t(*m_db);
    if (const int now = schemaVersion(); now != v) {
      v = now;  // another connection got here first: look again
      continue;
    }
    m_db->exec(kMigrations[v], "cannot upgrade the schema to version " + std::to_string(v + 1));
    m_db->exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str(), "cannot record the schema version");
    t.commit();
    ++v;
  }
}

std::int64_t GalleryStore::addPerson(const std::string& name) {
  if (name.empty()) throw Error("a person needs a name");
  if (findPerson(name)) throw Error("there is already a person called '" + name + "' in the gallery");
  Transaction t(*m_db);
  Statement s(*m_db, "INSERT INTO people(name) VALUES (?)");
  s.bind(1, name).step("cannot add " + name);
  const std::int64_t id = sqlite3_last_insert_rowid(m_db->handle);
  t.commit();
  return id;
}

void GalleryStore::renamePerson(std::int64_t id, const std::string& newName) {
  if (newName.empty()) throw Error("a person needs a name");
  if (auto other = findPerson(newName); other && other->id != id) {
    throw Error("there is already a person called '" + newName + "' in the gallery");
  }
  Transaction t(*m_db);
  Statement s(*m_db, "UPDATE people SET name = ? WHERE id = ?");
  s.bind(1, newName).bind(2, id).step("cannot rename");
  if (sqlite3_changes(m_db->handle) == 0) throw Error("no person with id " + std::to_string(id));
  t.commit();
}

void GalleryStore::removePerson(std::int64_t id) {
  Transaction t(*m_db);
  Statement s(*m_db, "DELETE FROM people WHERE id = ?");
  s.bind(1, id).step("cannot remove");
  if (sqlite3_changes(m_db->handle) == 0) throw Error("no person with id " + std::to_string(id));
  t.commit();
}

std::vector<GalleryPerson> GalleryStore::people() const {
  Statement s(*m_db,
              "SELECT p.id, p.name, COUNT(f.id) FROM people p "
              "LEFT JOIN photos f ON f.person_id = p.id AND f.role = 'reference' "
              "GROUP BY p.id ORDER BY p.name");
  std::vector<GalleryPerson> out;
  while (s.step("cannot list people")) out.push_back(GalleryPerson{s.integer(0), s.text(1), int(s.integer(2))});
  return out;
}

std::int64_t GalleryStore::personIdOf(const std::string& name) const {
  if (const auto person = findPerson(name)) return person->id;
  throw Error("no person called '" + name + "' in the gallery " + m_path);
}

std::int64_t GalleryStore::findOrAddPerson(const std::string& name) {
  if (const auto person = findPerson(name)) return person->id;
  return addPerson(name);
}

std::optional<GalleryPerson> GalleryStore::findPerson(const std::string& name) const {
  Statement s(*m_db,
              "SELECT p.id, p.name, (SELECT COUNT(*) FROM photos f WHERE f.person_id = p.id AND f.role = 'reference') "
              "FROM people p "
              "WHERE p.name = ?");
  s.bind(1, name);
  if (!s.step("cannot look up " + name)) return std::nullopt;
  return GalleryPerson{s.integer(0), s.text(1), int(s.integer(2))};
}

std::optional<std::int64_t> GalleryStore::addPhoto(std::int64_t personId, const std::string& sourceName,
                                                   const std::vector<std::uint8_t>& originalBytes, const Image& crop,
                                                   bool aligned) {
  const std::string hash = fnv1aHex(originalBytes.data(), originalBytes.size());
  if (const auto existing = photoWithHash(personId, hash)) {
    if (existing->second == kReference) return std::nullopt;
    throw Error(sourceName + ": this face was marked as not " + personNameOf(personId) + " (correction " +
                std::to_string(existing->first) + "); undo that correction to enrol it");
  }
  return insertPhoto(personId, sourceName, originalBytes, hash, crop, aligned, kReference);
}

std::int64_t GalleryStore::insertPhoto(std::int64_t personId, const std::string& sourceName,
                                       const std::vector<std::uint8_t>& originalBytes, const std::string& hash,
                                       const Image& crop, bool aligned, const char* role) {
  if (crop.empty()) throw Error("cannot add a photo without its face crop");
  const Image packed = crop.clone();  // tightly packed rows
  Transaction t(*m_db);
  Statement s(*m_db,
              "INSERT INTO photos(person_id, source_name, content_hash, original, crop, crop_width, crop_height, "
              "crop_channels, aligned, role, role_set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
              "CASE WHEN ? = 'reference' THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END)");
  s.bind(1, personId).bind(2, sourceName).bind(3, hash);
  s.bindBlob(4, originalBytes.data(), originalBytes.size());
  s.bindBlob(5, packed.data(), std::size_t(packed.width()) * packed.height() * packed.channels());
  s.bind(6, std::int64_t(packed.width())).bind(7, std::int64_t(packed.height())).bind(8, std::int64_t(packed.channels()));
  s.bind(9, std::int64_t(aligned ? 1 : 0)).bind(10, std::string(role)).bind(11, std::string(role));
  s.step("cannot add the photo " + sourceName);
  const std::int64_t id = sqlite3_last_insert_rowid(m_db->handle);
  t.commit();
  return id;
}

std::optional<std::pair<std::int64_t, std::string>> GalleryStore::photoWithHash(std::int64_t personId,
                                                                               const std::string& hash) const {
  Statement s(*m_db, "SELECT id, role FROM photos WHERE person_id = ? AND content_hash = ?");
  s.bind(1, personId).bind(2, hash);
  if (!s.step("cannot check for duplicates")) return std::nullopt;
  return std::make_pair(s.integer(0), s.text(1));
}

std::string GalleryStore::personNameOf(std::int64_t personId) const {
  Statement s(*m_db, "SELECT name FROM people WHERE id = ?");
  s.bind(1, personId);
  if (!s.step("cannot look up a person")) throw Error("no person with id " + std::to_string(personId));
  return s.text(0);
}

std::int64_t GalleryStore::addRejection(std::int64_t personId, const std::string& sourceName,
                                        const std::vector<std::uint8_t>& originalBytes, const Image& crop, bool aligned,
                                        bool wasReference) {
  const std::string hash = fnv1aHex(originalBytes.data(), originalBytes.size());
  if (const auto existing = photoWithHash(personId, hash)) {
    if (existing->second == kReference) rejectPhoto(existing->first);
    return existing->first;
  }
  return insertPhoto(personId, sourceName, originalBytes, hash, crop, aligned,
                     wasReference ? kRejectedReference : kRejected);
}

void GalleryStore::rejectPhoto(std::int64_t photoId) {
  Transaction t(*m_db);
  Statement s(*m_db,
              "UPDATE photos SET role = 'rejected-reference', role_set_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
              "WHERE id = ? AND role = 'reference'");
  s.bind(1, photoId).step("cannot record the correction");
  if (sqlite3_changes(m_db->handle) == 0) {
    throw Error("gallery " + m_path + " has no reference photo with id " + std::to_string(photoId));
  }
  t.commit();
}

std::vector<GalleryCorrection> GalleryStore::corrections() const {
  Statement s(*m_db,
              "SELECT f.id, f.person_id, p.name, f.source_name, f.role, COALESCE(f.role_set_at, f.added_at) "
              "FROM photos f JOIN people p ON p.id = f.person_id WHERE f.role != 'reference' ORDER BY f.id");
  std::vector<GalleryCorrection> out;
  while (s.step("cannot list corrections")) {
    out.push_back(GalleryCorrection{s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4) == kRejectedReference,
                                    s.text(5)});
  }
  return out;
}

void GalleryStore::undoCorrection(std::int64_t photoId) {
  Transaction t(*m_db);
  Statement restore(*m_db,
                    "UPDATE photos SET role = 'reference', role_set_at = NULL WHERE id = ? AND role = 'rejected-reference'");
  restore.bind(1, photoId).step("cannot undo the correction");
  if (sqlite3_changes(m_db->handle) == 0) {
    Statement forget(*m_db, "DELETE FROM photos WHERE id = ? AND role = 'rejected'");
    forget.bind(1, photoId).step("cannot undo the correction");
    if (sqlite3_changes(m_db->handle) == 0) {
      throw Error("gallery " + m_path + " has no correction with id " + std::to_string(photoId));
    }
  }
  t.commit();
}

std::vector<GalleryPhoto> GalleryStore::photosOf(std::int64_t personId) const {
  Statement s(*m_db, "SELECT id, person_id, source_name, content_hash, aligned FROM photos "
                     "WHERE person_id = ? AND role = 'reference' ORDER BY id");
  s.bind(1, personId);
  std::vector<GalleryPhoto> out;
  while (s.step("cannot list photos")) {
    out.push_back(GalleryPhoto{s.integer(0), s.integer(1), s.text(2), s.text(3), s.integer(4) != 0});
  }
  return out;
}

std::optional<std::int64_t> GalleryStore::findPhoto(std::int64_t personId, const std::string& contentHash) const {
  const auto found = photoWithHash(personId, contentHash);
  if (!found || found->second != kReference) return std::nullopt;
  return found->first;
}

Image GalleryStore::cropOf(std::int64_t photoId) const {
  Statement s(*m_db, "SELECT crop, crop_width, crop_height, crop_channels FROM photos WHERE id = ?");
  s.bind(1, photoId);
  if (!s.step("cannot read a crop")) throw Error("no photo with id " + std::to_string(photoId));
  std::optional<Image> crop = detail::storedCrop(s, 0);
  if (!crop) throw Error("gallery " + m_path + ": the crop of photo " + std::to_string(photoId) + " is damaged");
  return std::move(*crop);
}

std::vector<std::uint8_t> GalleryStore::originalOf(std::int64_t photoId) const {
  Statement s(*m_db, "SELECT original FROM photos WHERE id = ?");
  s.bind(1, photoId);
  if (!s.step("cannot read a photo")) throw Error("no photo with id " + std::to_string(photoId));
  return s.blob(0);
}

void GalleryStore::setEmbedding(std::int64_t photoId, const std::string& modelId, const std::vector<float>& vector) {
  Transaction t(*m_db);
  Statement s(*m_db, "INSERT OR REPLACE INTO embeddings(photo_id, model_id, vector) VALUES (?, ?, ?)");
  s.bind(1, photoId).bind(2, modelId).bindBlob(3, vector.data(), vector.size() * sizeof(float));
  s.step("cannot store an embedding");
  t.commit();
}

std::vector<StoredEmbedding> GalleryStore::embeddings(const std::string& modelId) const {
  return embeddingsWithRole(modelId, false);
}

std::vector<StoredEmbedding> GalleryStore::rejectionEmbeddings(const std::string& modelId) const {
  return embeddingsWithRole(modelId, true);
}

std::vector<StoredEmbedding> GalleryStore::embeddingsWithRole(const std::string& modelId, bool rejected) const {
  const std::string sql =
      std::string("SELECT e.photo_id, f.person_id, e.vector FROM embeddings e JOIN photos f ON f.id = e.photo_id "
                  "WHERE e.model_id = ? AND f.role ") +
      (rejected ? "!=" : "=") + " 'reference' ORDER BY e.photo_id";
  Statement s(*m_db, sql.c_str());
  s.bind(1, modelId);
  std::vector<StoredEmbedding> out;
  while (s.step("cannot read embeddings")) {
    const auto bytes = s.blob(2);
    StoredEmbedding e{s.integer(0), s.integer(1), std::vector<float>(bytes.size() / sizeof(float))};
    std::memcpy(e.vector.data(), bytes.data(), e.vector.size() * sizeof(float));
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::int64_t> GalleryStore::photosWithoutEmbedding(const std::string& modelId) const {
  Statement s(*m_db,
              "SELECT id FROM photos WHERE id NOT IN (SELECT photo_id FROM embeddings WHERE model_id = ?) ORDER BY id");
  s.bind(1, modelId);
  std::vector<std::int64_t> out;
  while (s.step("cannot list photos to embed")) out.push_back(s.integer(0));
  return out;
}

bool GalleryStore::hasEmbedding(std::int64_t photoId, const std::string& modelId) const {
  Statement s(*m_db, "SELECT 1 FROM embeddings WHERE photo_id = ? AND model_id = ?");
  s.bind(1, photoId).bind(2, modelId);
  return s.step("cannot look up an embedding");
}

std::size_t GalleryStore::countEmbeddingsNotOfSize(const std::string& modelId, std::size_t dimension) const {
  Statement s(*m_db, "SELECT COUNT(*) FROM embeddings WHERE model_id = ? AND length(vector) != ?");
  s.bind(1, modelId).bind(2, std::int64_t(dimension * sizeof(float)));
  s.step("cannot check the embeddings' size");
  return std::size_t(s.integer(0));
}

std::size_t GalleryStore::removeEmbeddingsNotOfSize(const std::string& modelId, std::size_t dimension) {
  Statement s(*m_db, "DELETE FROM embeddings WHERE model_id = ? AND length(vector) != ?");
  s.bind(1, modelId).bind(2, std::int64_t(dimension * sizeof(float)));
  s.step("cannot remove embeddings of the wrong size");
  return std::size_t(sqlite3_changes(m_db->handle));
}

std::size_t GalleryStore::embeddingDimension(const std::string& modelId) const {
  Statement s(*m_db, "SELECT length(vector) FROM embeddings WHERE model_id = ? LIMIT 1");
  s.bind(1, modelId);
  return s.step("cannot read an embedding's size") ? std::size_t(s.integer(0)) / sizeof(float) : 0;
}

std::vector<std::pair<std::string, std::size_t>> GalleryStore::embeddingCounts() const {
  Statement s(*m_db, "SELECT model_id, COUNT(*) FROM embeddings GROUP BY model_id ORDER BY model_id");
  std::vector<std::pair<std::string, std::size_t>> out;
  while (s.step("cannot count embeddings")) out.emplace_back(s.text(0), std::size_t(s.integer(1)));
  return out;
}

std::optional<double> GalleryStore::threshold(const std::string& modelId) const {
  const auto record = thresholdRecord(modelId);
  return record ? std::optional<double>(record->value) : std::nullopt;
}

std::optional<GalleryThreshold> GalleryStore::thresholdRecord(const std::string& modelId) const {
  Statement s(*m_db, "SELECT value, method, set_at FROM thresholds WHERE model_id = ?");
  s.bind(1, modelId);
  if (!s.step("cannot read the threshold")) return std::nullopt;
  return GalleryThreshold{s.real(0), s.text(1), s.text(2)};
}

void GalleryStore::setThreshold(const std::string& modelId, double value, const std::string& method) {
  if (!std::isfinite(value)) throw Error("cannot store a threshold that is not a number for model " + modelId);
  Transaction t(*m_db);
  Statement s(*m_db, "INSERT OR REPLACE INTO thresholds(model_id, value, method) VALUES (?, ?, ?)");
  s.bind(1, modelId).bind(2, value).bind(3, method).step("cannot store the threshold");
  t.commit();
}

bool GalleryStore::clearThreshold(const std::string& modelId) {
  Transaction t(*m_db);
  Statement s(*m_db, "DELETE FROM thresholds WHERE model_id = ?");
  s.bind(1, modelId).step("cannot forget the threshold");
  const bool removed = sqlite3_changes(m_db->handle) > 0;
  t.commit();
  return removed;
}

void GalleryStore::snapshotTo(const std::string& newFile) const {
  Statement s(*m_db, "VACUUM INTO ?");
  s.bind(1, newFile).step("cannot copy the gallery to " + newFile);
}

}  // namespace siamese
