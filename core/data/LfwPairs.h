#pragma once
/// \file LfwPairs.h
/// The LFW verification protocol files: pairs.txt (View 2: 10 folds of 300
/// same + 300 different pairs) and pairsDevTrain.txt / pairsDevTest.txt
/// (View 1: one set of N same + N different pairs).

#include <string>
#include <vector>

namespace siamese {

struct LfwPair {
  std::string nameA;
  int numberA = 0;  ///< 1-based photo number: Name_0003.jpg is 3
  std::string nameB;
  int numberB = 0;
  bool same = false;
};

struct LfwPairsFile {
  /// View 2: 10 folds; View 1: a single fold.
  std::vector<std::vector<LfwPair>> folds;

  std::size_t pairCount() const;
};

/// Parses either format exactly: the header line gives the fold count and
/// pairs per class (View 2: "10 300"; View 1: "1100"); each fold holds that
/// many same lines ("name n1 n2") followed by that many different lines
/// ("name1 n1 name2 n2"). throws Error naming the file and line on any
/// deviation.
LfwPairsFile readLfwPairs(const std::string& path);

/// The photo's path under the LFW images folder:
/// images/<Name>/<Name>_<NNNN>.jpg.
std::string lfwImagePath(const std::string& imagesDir, const std::string& name, int number);

}  // namespace siamese
