#pragma once
/// \file Sqlite.h
/// The small layer over SQLite's C API shared by the gallery and its
/// archives: a connection that turns SQLite's codes into sentences naming
/// the file, prepared statements finalised on scope exit, and transactions
/// that nest (the outermost is BEGIN IMMEDIATE … COMMIT, inner ones are
/// savepoints), so that an import can group many single-change calls into
/// one all-or-nothing change.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace siamese::detail {

/// One open database. `kind` names it in errors ("gallery", "archive").
struct SqliteConnection {
  sqlite3* handle = nullptr;
  std::string path;
  std::string kind = "database";

  SqliteConnection() = default;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  /// Opens `path` with sqlite3_open_v2 `flags`. throws Error naming the file.
  void open(const std::string& filePath, int flags);
  void close();

  /// throws Error: "<kind> <path>: <what>: <SQLite's reason, explained>".
  [[noreturn]] void fail(const std::string& what) const;
  void exec(const char* sql, const std::string& what) const;
};

/// A prepared statement, finalised on scope exit.
class Statement {
 public:
  Statement(const SqliteConnection& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, double v);
  Statement& bind(int i, const std::string& v);
  Statement& bindBlob(int i, const void* data, std::size_t size);
  /// True while rows come; throws on errors.
  bool step(const std::string& what);
  /// Ready to run again with new bindings.
  void reset();

  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::vector<std::uint8_t> blob(int column) const;
  bool isNull(int column) const;

 private:
  Statement& check(int rc);
  const SqliteConnection& m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

/// All changes inside the scope are kept by commit(), none when the scope
/// is left without it (an exception). Nests: inside another transaction it
/// is a savepoint, undone alone or kept with the outer one.
class Transaction {
 public:
  explicit Transaction(const SqliteConnection& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  const SqliteConnection& m_db;
  bool m_outermost = false;
  bool m_committed = false;
};

}  // namespace siamese::detail
