#include "data/PairCsv.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "data/FaceCache.h"

namespace siamese {
namespace {

constexpr const char* kHeader = "source_a,source_b,same,person_a,person_b";

std::string quoted(const std::string& field) {
  if (field.find_first_of(",\"\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> parseCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool inQuotes = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (inQuotes) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        inQuotes = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      inQuotes = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r' || inQuotes) {
      fields.back() += c;
    }
  }
  return fields;
}

// "a/b/Person/Person_0001.jpg" -> "Person/Person_0001.jpg".
std::string lastTwoComponents(const std::string& path) {
  const auto last = path.find_last_of('/');
  if (last == std::string::npos || last == 0) return path;
  const auto previous = path.find_last_of('/', last - 1);
  return previous == std::string::npos ? path : path.substr(previous + 1);
}

}  // namespace

void writePairRows(const std::string& path, const std::vector<PairRow>& rows) {
  bool withDistance = false;
  for (const PairRow& row : rows) withDistance = withDistance || row.distance.has_value();
  std::ostringstream out;
  out << kHeader << (withDistance ? ",distance" : "") << '\n';
  for (const PairRow& row : rows) {
    out << quoted(row.sourceA) << ',' << quoted(row.sourceB) << ',' << (row.same ? 1 : 0) << ','
        << quoted(row.personA) << ',' << quoted(row.personB);
    if (withDistance) {
      out << ',';
      // Round-trip precision: a distance just under the threshold must stay under it.
      if (row.distance) out << std::setprecision(std::numeric_limits<double>::max_digits10) << *row.distance;
    }
    out << '\n';
  }
  writeFileAtomically(path, out.str());
}

void writePairsCsv(const std::string& path, const std::vector<Pair>& pairs, const FaceCache& cache) {
  std::vector<PairRow> rows;
  rows.reserve(pairs.size());
  for (const Pair& p : pairs) {
    const CachedFace& a = cache.faces().at(std::size_t(p.a));
    const CachedFace& b = cache.faces().at(std::size_t(p.b));
    rows.push_back(PairRow{a.source, b.source, p.same, cache.people()[std::size_t(a.person)],
                           cache.people()[std::size_t(b.person)], std::nullopt});
  }
  writePairRows(path, rows);
}

std::vector<PairRow> readPairsCsv(const std::string& path) {
  requireRegularFile(path);
  std::ifstream in(path);
  if (!in) throw Error("cannot open pair list " + path);
  std::string line;
  if (!std::getline(in, line) || line.rfind(kHeader, 0) != 0) {
    throw Error(path + ":1: not a pair list (expected the header '" + std::string(kHeader) + "')");
  }
  const std::size_t columns = parseCsvLine(line).size();
  const bool withDistance = columns >= 6;
  std::vector<PairRow> rows;
  int lineNumber = 1;
  while (std::getline(in, line)) {
    const int rowLine = ++lineNumber;
    if (line.empty() || line == "\r") continue;
    // A quoted field may hold a line break: keep reading until quotes pair up.
    std::string nextLine;
    while (std::count(line.begin(), line.end(), '"') % 2 == 1 && std::getline(in, nextLine)) {
      ++lineNumber;
      line += '\n' + nextLine;
    }
    const auto f = parseCsvLine(line);
    // Every row has the header's columns (the distance may be left out): a
    // row with more or fewer is damaged (two rows run together, a field
    // cut), not a pair to guess at.
    const bool rightWidth = f.size() == columns || (withDistance && f.size() == 5);
    if (!rightWidth || (f[2] != "0" && f[2] != "1")) {
      throw Error(path + ":" + std::to_string(rowLine) + ": malformed pair row '" + line + "'");
    }
    PairRow row{f[0], f[1], f[2] == "1", f[3], f[4], std::nullopt};
    if (withDistance && f.size() >= 6 && !f[5].empty()) {
      // from_chars: exact, locale-independent, and it rejects trailing junk.
      double value = 0;
      const char* end = f[5].data() + f[5].size();
      const auto parsed = std::from_chars(f[5].data(), end, value);
      if (parsed.ec != std::errc() || parsed.ptr != end) {
        throw Error(path + ":" + std::to_string(rowLine) + ": distance '" + f[5] + "' is not a number");
      }
      row.distance = value;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<Pair> resolvePairs(const std::vector<PairRow>& rows, const FaceCache& cache, bool allowMissing) {
  std::unordered_map<std::string, int> byPath, byTail;
  for (std::size_t i = 0; i < cache.faces().size(); ++i) {
    byPath.emplace(cache.faces()[i].source, int(i));
    byTail.emplace(lastTwoComponents(cache.faces()[i].source), int(i));
  }
  auto find = [&](const std::string& source) {
    if (auto it = byPath.find(source); it != byPath.end()) return it->second;
    if (auto it = byTail.find(lastTwoComponents(source)); it != byTail.end()) return it->second;
    if (!allowMissing) {
      throw Error("photo not in the face cache: " + source +
                  " (it failed in 'prepare', or the cache was made from another data set)");
    }
    return -1;
  };
  std::vector<Pair> pairs;
  pairs.reserve(rows.size());
  for (const PairRow& row : rows) pairs.push_back(Pair{find(row.sourceA), find(row.sourceB), row.same});
  return pairs;
}

}  // namespace siamese
