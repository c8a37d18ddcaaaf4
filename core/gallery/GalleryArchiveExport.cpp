// Writing a gallery archive: snapshot, describe, flush, rename.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "common/Error.h"
#include "common/Version.h"
#include "gallery/GalleryArchive.h"
#include "gallery/detail/ArchiveFormat.h"
#include "gallery/detail/Sqlite.h"

namespace siamese {
namespace {

std::string utcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::size_t countRows(const detail::SqliteConnection& db, const char* sql) {
  detail::Statement s(db, sql);
  s.step("cannot count rows");
  return std::size_t(s.integer(0));
}

// Removes the temporary file unless the export got to the rename.
class TempFile {
 public:
  explicit TempFile(std::string path) : m_path(std::move(path)) {}
  ~TempFile() {
    if (!m_kept) ::unlink(m_path.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return m_path; }
  void keep() { m_kept = true; }

 private:
  std::string m_path;
  bool m_kept = false;
};

[[noreturn]] void failSystem(const std::string& archivePath, const std::string& what) {
  const int err = errno;
  throw FileError(archivePath, what + ": " + std::strerror(err) +
                                   (err == ENOSPC ? " (the disk is full; nothing was replaced)" : ""));
}

// Adds archive_info to the snapshot and switches it out of WAL mode, so the
// archive is one self-contained file that opens read-only anywhere.
ArchiveInfo describeSnapshot(const std::string& snapshot, const std::string& archivePath, const std::string& modelId) {
  detail::SqliteConnection db;
  db.kind = "archive";
  db.open(snapshot, SQLITE_OPEN_READWRITE);
  db.path = archivePath;  // errors name the file the user asked for
  db.exec("PRAGMA journal_mode = DELETE", "cannot leave write-ahead logging");

  ArchiveInfo info;
  info.formatVersion = kArchiveFormatVersion;
  {
    detail::Statement v(db, "PRAGMA user_version");
    v.step("cannot read the schema version");
    info.schemaVersion = int(v.integer(0));
  }
  info.modelId = modelId;
  {
    detail::Statement models(db, "SELECT DISTINCT model_id FROM embeddings ORDER BY model_id");
    while (models.step("cannot list the models")) info.modelIds.push_back(models.text(0));
  }
  info.exportedAt = utcNow();
  info.programVersion = kVersion;
  info.people = countRows(db, "SELECT COUNT(*) FROM people");
  info.photos = countRows(db, "SELECT COUNT(*) FROM photos");
  info.embeddings = countRows(db, "SELECT COUNT(*) FROM embeddings");

  std::string modelList;
  for (const std::string& id : info.modelIds) modelList += (modelList.empty() ? "" : ",") + id;
  detail::Transaction t(db);
  db.exec("CREATE TABLE archive_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)", "cannot describe the archive");
  detail::Statement insert(db, "INSERT INTO archive_info(key, value) VALUES (?, ?)");
  const std::pair<const char*, std::string> rows[] = {
      {"format", detail::kArchiveFormatName},
      {"format_version", std::to_string(info.formatVersion)},
      {"schema_version", std::to_string(info.schemaVersion)},
      {"model_id", info.modelId},
      {"model_ids", modelList},
      {"exported_at", info.exportedAt},
      {"program_version", info.programVersion},
      {"people", std::to_string(info.people)},
      {"photos", std::to_string(info.photos)},
      {"embeddings", std::to_string(info.embeddings)},
  };
  for (const auto& [key, value] : rows) {
    insert.bind(1, std::string(key)).bind(2, value).step("cannot describe the archive");
    insert.reset();
  }
  db.exec(("PRAGMA application_id = " + std::to_string(detail::kArchiveApplicationId)).c_str(),
          "cannot mark the file as an archive");
  t.commit();
  return info;
}

// Removes what an export killed part-way left beside `archivePath`: its
// "<archive>.tmp-<pid>" file and SQLite's journal, WAL and shared-memory
// files next to it, when the process that made them is gone.
void removeStaleTemporaries(const std::string& archivePath) {
  namespace fs = std::filesystem;
  const fs::path target(archivePath);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string prefix = target.filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const std::size_t digits = rest.find_first_not_of("0123456789");
    if (digits == 0 || rest.empty()) continue;
    const std::string suffix = digits == std::string::npos ? "" : rest.substr(digits);
    if (!suffix.empty() && suffix != "-journal" && suffix != "-wal" && suffix != "-shm") continue;
    const long pid = std::stol(rest.substr(0, digits));
    if (pid == long(::getpid()) || (::kill(pid_t(pid), 0) == 0 || errno == EPERM)) continue;  // still running
    fs::remove(entry.path(), ec);
  }
}

}  // namespace

ArchiveInfo exportGallery(const GalleryStore& store, const std::string& archivePath, const std::string& modelId) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::path(archivePath).has_parent_path()) fs::create_directories(fs::path(archivePath).parent_path(), ec);
  if (fs::is_directory(archivePath, ec)) throw FileError(archivePath, "is a folder; name the archive file to write");

  removeStaleTemporaries(archivePath);
  TempFile temp(archivePath + ".tmp-" + std::to_string(::getpid()));
  ::unlink(temp.path().c_str());  // left over by a crashed export with our pid
  // Created empty and owner-only first: VACUUM INTO keeps these permissions,
  // and the archive holds biometric data.
  const int fd = ::open(temp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) failSystem(archivePath, "cannot create the archive");
  ::close(fd);

  store.snapshotTo(temp.path());
  const ArchiveInfo info = describeSnapshot(temp.path(), archivePath, modelId);

  const int sync = ::open(temp.path().c_str(), O_RDONLY | O_CLOEXEC);
  if (sync < 0 || ::fsync(sync) != 0) {
    if (sync >= 0) ::close(sync);
    failSystem(archivePath, "cannot flush the archive to disk");
  }
  ::close(sync);
  if (::rename(temp.path().c_str(), archivePath.c_str()) != 0) failSystem(archivePath, "cannot replace the file");
  temp.keep();
  return info;
}

}  // namespace siamese
