// Pair montages: the grid has the requested shape, each tile shows the two
// faces given, and with distances and a threshold each tile is framed
// green (verdict right) or red (verdict wrong).

#include "render/Montage.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

Image flat(int size, std::uint8_t value) {
  Image image(size, size, 1);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) image.row(y)[x] = value;
  return image;
}

// Layout constants mirrored from Montage.cpp: 6 px gaps, 34 px captions.
constexpr int kGap = 6;
constexpr int kCaption = 34;

std::array<int, 3> pixel(const Image& image, int x, int y) {
  const std::uint8_t* p = image.row(y) + 3 * x;
  return {p[0], p[1], p[2]};
}

TEST(Montage, GridHasTheRequestedShapeAndShowsTheFaces) {
  std::vector<MontagePair> pairs;
  for (int i = 0; i < 5; ++i) pairs.push_back(MontagePair{flat(32, 50), flat(32, 200), i % 2 == 0, "", {}});
  MontageOptions options;
  options.columns = 3;
  options.rows = 3;
  options.faceSize = 40;
  const Image montage = renderMontage(pairs, options);
  const int cellWidth = 2 * 40 + kGap;
  const int cellHeight = 40 + kCaption + kGap;
  EXPECT_EQ(montage.width(), 3 * cellWidth + kGap);
  EXPECT_EQ(montage.height(), 2 * cellHeight + kGap);  // 5 pairs fill two rows
  EXPECT_EQ(montage.channels(), 3);
  // Second tile (column 1, row 0): left face dark, right face light.
  EXPECT_EQ(pixel(montage, kGap + cellWidth + 20, kGap + 20), (std::array<int, 3>{50, 50, 50}));
  EXPECT_EQ(pixel(montage, kGap + cellWidth + 60, kGap + 20), (std::array<int, 3>{200, 200, 200}));
}

TEST(Montage, AtMostColumnsTimesRowsPairsAreDrawn) {
  std::vector<MontagePair> pairs(20, MontagePair{flat(16, 0), flat(16, 0), true, "", {}});
  MontageOptions options;
  options.columns = 2;
  options.rows = 2;
  options.faceSize = 32;
  EXPECT_EQ(renderMontage(pairs, options).height(), 2 * (32 + kCaption + kGap) + kGap);
}

TEST(Montage, VerdictsColourTheFrames) {
  // A same pair at distance 0.2 (right under threshold 0.5) and a
  // different pair at 0.3 (wrongly called same).
  std::vector<MontagePair> pairs = {MontagePair{flat(32, 128), flat(32, 128), true, "", 0.2},
                                    MontagePair{flat(32, 128), flat(32, 128), false, "", 0.3}};
  MontageOptions options;
  options.columns = 2;
  options.rows = 1;
  options.faceSize = 40;
  options.threshold = 0.5;
  const Image montage = renderMontage(pairs, options);
  const int cellWidth = 2 * 40 + kGap;
  // The frame runs 2 px outside each tile's top-left corner.
  const auto right = pixel(montage, kGap - 2, kGap + 10);
  const auto wrong = pixel(montage, kGap + cellWidth - 2, kGap + 10);
  EXPECT_GT(right[1], 150);  // green
  EXPECT_LT(right[2], 100);
  EXPECT_GT(wrong[2], 200);  // red (BGR)
  EXPECT_LT(wrong[1], 100);
}

}  // namespace
}  // namespace siamese
