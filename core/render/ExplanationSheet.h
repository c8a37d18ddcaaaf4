#pragma once
/// \file ExplanationSheet.h
/// A picture that shows why faces were named: per face, its crop and a few
/// lines of text, then rows of gallery photos, each with a caption and a
/// mark (green: within the threshold, red: ruled out). The content is
/// plain (pictures and words); what it says is decided by the caller.

#include <string>
#include <vector>

#include "common/Image.h"

namespace siamese {

struct SheetTile {
  Image face;
  std::string caption;
  enum class Mark { None, Good, Bad } mark = Mark::None;
};

struct SheetRow {
  std::string title;
  std::vector<SheetTile> tiles;
};

struct SheetSection {
  Image query;                     ///< the face asked about
  std::vector<std::string> lines;  ///< beside it
  std::vector<SheetRow> rows;      ///< below it
};

/// Renders the sections one under another into a BGR image.
Image renderSheet(const std::vector<SheetSection>& sections, int faceSize = 96);

}  // namespace siamese
