#pragma once
// Private to nn (and the trainer): the shape of dlib's face ResNet, without
// LibTorch, so that code which only needs the layout (FLOP counts) does not
// pay LibTorch's compile time.

#include <string>
#include <vector>

namespace siamese::detail {

/// One residual block of the tower, named as face-api's weight manifest names it.
struct TowerBlockSpec {
  std::string name;  ///< "conv32_1", "conv64_down", …
  int in = 0;        ///< input channels
  int out = 0;       ///< output channels
  bool down = false; ///< first convolution has stride 2; the shortcut is a 2×2 average pool
};

/// The tower's stages, as transfer learning counts them: the stem (0), the
/// 14 residual blocks (1..14) and the pooled final linear layer (15).
constexpr int kDlibResNetStages = 16;

/// The blocks in forward order, after the 7×7 stem `conv32_down`.
const std::vector<TowerBlockSpec>& dlibResNetBlocks();

}  // namespace siamese::detail
