#include "gallery/detail/Sqlite.h"

#include "common/Error.h"

namespace siamese::detail {

SqliteConnection::~SqliteConnection() { close(); }

void SqliteConnection::open(const std::string& filePath, int flags) {
  close();
  path = filePath;
  if (sqlite3_open_v2(filePath.c_str(), &handle, flags, nullptr) != SQLITE_OK) fail("cannot open");
}

void SqliteConnection::close() {
  if (handle) sqlite3_close_v2(handle);
  handle = nullptr;
}

void SqliteConnection::fail(const std::string& what) const {
  const int code = handle ? sqlite3_extended_errcode(handle) : SQLITE_ERROR;
  std::string reason = handle ? sqlite3_errmsg(handle) : "cannot open";
  switch (code & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      reason = "the " + kind + " is locked by another program (" + reason + "); close it and try again";
      break;
    case SQLITE_FULL:
      reason = "the disk is full (" + reason + "); nothing was changed";
      break;
    case SQLITE_NOTADB:
      // Whatever was being done, the file is simply not what it should be.
      throw Error(kind + " " + path + ": not a " + (kind == "archive" ? "gallery archive" : kind) +
                  " (the file is not an SQLite database at all)");
    case SQLITE_CANTOPEN:
      reason = "cannot open the file (" + reason + "); check that it, and its folder, may be read and written";
      break;
    case SQLITE_READONLY:
      reason = "the file or its folder is read-only (" + reason + "); SQLite writes its journal beside the file";
      break;
    case SQLITE_IOERR:
      reason = "reading or writing the file failed (" + reason + "); is the disk full or failing?";
      break;
    case SQLITE_CORRUPT:
      reason = "the file is damaged or truncated (" + reason + ")";
      break;
    default:
      break;
  }
  throw Error(kind + " " + path + ": " + what + ": " + reason);
}

void SqliteConnection::exec(const char* sql, const std::string& what) const {
  char* message = nullptr;
  if (sqlite3_exec(handle, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    fail(what);
  }
}

Statement::Statement(const SqliteConnection& db, const char* sql) : m_db(db) {
  if (sqlite3_prepare_v2(db.handle, sql, -1, &m_stmt, nullptr) != SQLITE_OK) db.fail("cannot prepare a query");
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement& Statement::bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(m_stmt, i, v)); }

Statement& Statement::bind(int i, double v) { return check(sqlite3_bind_double(m_stmt, i, v)); }

Statement& Statement::bind(int i, const std::string& v) {
  return check(sqlite3_bind_text(m_stmt, i, v.data(), int(v.size()), SQLITE_TRANSIENT));
}

Statement& Statement::bindBlob(int i, const void* data, std::size_t size) {
  return check(sqlite3_bind_blob64(m_stmt, i, data, size, SQLITE_TRANSIENT));
}

bool Statement::step(const std::string& what) {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  m_db.fail(what);
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(m_stmt, column); }

double Statement::real(int column) const { return sqlite3_column_double(m_stmt, column); }

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(m_stmt, column);
  return p ? reinterpret_cast<const char*>(p) : "";
}

std::vector<std::uint8_t> Statement::blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
  return p ? std::vector<std::uint8_t>(p, p + sqlite3_column_bytes(m_stmt, column)) : std::vector<std::uint8_t>{};
}

bool Statement::isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

Statement& Statement::check(int rc) {
  if (rc != SQLITE_OK) m_db.fail("cannot bind a value");
  return *this;
}

Transaction::Transaction(const SqliteConnection& db) : m_db(db), m_outermost(sqlite3_get_autocommit(db.handle) != 0) {
  // IMMEDIATE takes the write lock at once, so a busy gallery fails here
  // (after the busy timeout) rather than half-way through a change.
  if (m_outermost) {
    db.exec("BEGIN IMMEDIATE", "cannot start a change");
  } else {
    db.exec("SAVEPOINT nested_change", "cannot start a change");
  }
}

Transaction::~Transaction() {
  if (m_committed) return;
  if (m_outermost) {
    sqlite3_exec(m_db.handle, "ROLLBACK", nullptr, nullptr, nullptr);
  } else {
    // ROLLBACK TO undoes the savepoint's changes but leaves it open; RELEASE closes it.
    sqlite3_exec(m_db.handle, "ROLLBACK TO nested_change; RELEASE nested_change", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  if (m_outermost) {
    m_db.exec("COMMIT", "cannot save the change");
  } else {
    m_db.exec("RELEASE nested_change", "cannot save the change");
  }
  m_committed = true;
}

}  // namespace siamese::detail
