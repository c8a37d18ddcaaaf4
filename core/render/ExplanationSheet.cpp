#include "render/ExplanationSheet.h"

#include <algorithm>

#include "render/detail/Drawing.h"

namespace siamese {
namespace {

constexpr int kGap = 8;
constexpr int kLineHeight = 18;
constexpr int kCaptionHeight = 18;
constexpr double kTextScale = 0.45;
const cv::Scalar kText(235, 235, 235);
const cv::Scalar kDim(170, 170, 170);

int rowHeight(int face) { return kLineHeight + face + kCaptionHeight + kGap; }

int sectionHeight(const SheetSection& s, int face) {
  const int header = std::max(face, int(s.lines.size()) * kLineHeight);
  return header + kGap + int(s.rows.size()) * rowHeight(face) + kGap;
}

void text(cv::Mat& canvas, const std::string& line, int x, int y, int width, const cv::Scalar& colour) {
  cv::putText(canvas, detail::fitText(line, width, kTextScale), cv::Point(x, y), cv::FONT_HERSHEY_SIMPLEX, kTextScale,
              colour, 1, cv::LINE_AA);
}

}  // namespace

Image renderSheet(const std::vector<SheetSection>& sections, int faceSize) {
  const int face = std::max(48, faceSize);
  std::size_t widestRow = 4;
  for (const SheetSection& s : sections)
    for (const SheetRow& r : s.rows) widestRow = std::max(widestRow, r.tiles.size());
  const int width = std::max(760, kGap + int(widestRow) * (face + kGap));
  int height = kGap;
  for (const SheetSection& s : sections) height += sectionHeight(s, face);
  cv::Mat canvas(std::max(height, face + 2 * kGap), width, CV_8UC3, detail::kSheetBackground);

  int y = kGap;
  for (const SheetSection& s : sections) {
    detail::faceTile(s.query, face).copyTo(canvas(cv::Rect(kGap, y, face, face)));
    for (std::size_t i = 0; i < s.lines.size(); ++i) {
      text(canvas, s.lines[i], 2 * kGap + face, y + 14 + int(i) * kLineHeight, width - 3 * kGap - face,
           i == 0 ? kText : kDim);
    }
    y += std::max(face, int(s.lines.size()) * kLineHeight) + kGap;
    for (const SheetRow& row : s.rows) {
      text(canvas, row.title, kGap, y + 13, width - 2 * kGap, kText);
      const int top = y + kLineHeight;
      for (std::size_t t = 0; t < row.tiles.size(); ++t) {
        const SheetTile& tile = row.tiles[t];
        const int x = kGap + int(t) * (face + kGap);
        detail::faceTile(tile.face, face).copyTo(canvas(cv::Rect(x, top, face, face)));
        if (tile.mark != SheetTile::Mark::None) {
          cv::rectangle(canvas, cv::Rect(x - 2, top - 2, face + 4, face + 4),
                        tile.mark == SheetTile::Mark::Good ? detail::kGoodColour : detail::kBadColour, 2);
        }
        text(canvas, tile.caption, x, top + face + 14, face, kDim);
      }
      y += rowHeight(face);
    }
    y += kGap;
    cv::line(canvas, cv::Point(0, y - kGap / 2), cv::Point(width, y - kGap / 2), kDim, 1);
  }
  return detail::fromMat(canvas);
}

}  // namespace siamese
