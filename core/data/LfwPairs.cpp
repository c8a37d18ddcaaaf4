#include "data/LfwPairs.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/AtomicFile.h"
#include "common/Error.h"

namespace siamese {
namespace {

std::vector<std::string> splitFields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  for (std::string field; in >> field;) fields.push_back(field);
  return fields;
}

int parseNumber(const std::string& text, const std::string& where) {
  std::size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < 1) throw Error(where + ": '" + text + "' is not a photo number");
  return value;
}

}  // namespace

std::size_t LfwPairsFile::pairCount() const {
  std::size_t n = 0;
  for (const auto& fold : folds) n += fold.size();
  return n;
}

LfwPairsFile readLfwPairs(const std::string& path) {
  requireRegularFile(path);
  std::ifstream in(path);
  if (!in) throw Error("cannot open LFW pairs file " + path);
  std::string line;
  int lineNumber = 1;
  if (!std::getline(in, line)) throw Error(path + ": the file is empty");
  const auto header = splitFields(line);
  const std::string where1 = path + ":1";
  int foldCount = 1, perClass = 0;
  if (header.size() == 2) {
    foldCount = parseNumber(header[0], where1);
    perClass = parseNumber(header[1], where1);
  } else if (header.size() == 1) {
    perClass = parseNumber(header[0], where1);
  } else {
    throw Error(where1 + ": expected '<folds> <pairs per class>' or '<pairs per class>'");
  }

  LfwPairsFile file;
  for (int fold = 0; fold < foldCount; ++fold) {
    std::vector<LfwPair> pairs;
    for (int i = 0; i < 2 * perClass; ++i) {
      const bool same = i < perClass;
      ++lineNumber;
      const std::string where = path + ":" + std::to_string(lineNumber);
      if (!std::getline(in, line)) {
        throw Error(where + ": the file ends early (fold " + std::to_string(fold + 1) + " of " +
                    std::to_string(foldCount) + " is incomplete)");
      }
      const auto f = splitFields(line);
      LfwPair pair;
      pair.same = same;
      if (same) {
        if (f.size() != 3) throw Error(where + ": expected a same-person line 'name n1 n2', got '" + line + "'");
        pair.nameA = pair.nameB = f[0];
        pair.numberA = parseNumber(f[1], where);
        pair.numberB = parseNumber(f[2], where);
      } else {
        if (f.size() != 4) {
          throw Error(where + ": expected a different-people line 'name1 n1 name2 n2', got '" + line + "'");
        }
        pair.nameA = f[0];
        pair.numberA = parseNumber(f[1], where);
        pair.nameB = f[2];
        pair.numberB = parseNumber(f[3], where);
      }
      pairs.push_back(std::move(pair));
    }
    file.folds.push_back(std::move(pairs));
  }
  while (std::getline(in, line)) {
    ++lineNumber;
    if (!splitFields(line).empty()) throw Error(path + ":" + std::to_string(lineNumber) + ": unexpected extra line");
  }
  return file;
}

std::string lfwImagePath(const std::string& imagesDir, const std::string& name, int number) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "_%04d.jpg", number);
  return imagesDir + "/" + name + "/" + name + suffix;
}

}  // namespace siamese
