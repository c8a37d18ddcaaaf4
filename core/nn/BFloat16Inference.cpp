#include "nn/BFloat16Inference.h"

namespace siamese {

bool cpuComputesBFloat16() {
  // Asked from the GUI thread and from workers: answered once. AMX-BF16
  // CPUs have AVX512_BF16 too, and Debian's clang knows no "amx-bf16" here.
  static const bool computes = [] {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") != 0;
#else
    return false;
#endif
  }();
  return computes;
}

std::string bfloat16Unsupported() {
  if (cpuComputesBFloat16()) return {};
  return "this CPU has no bfloat16 instructions (AVX512_BF16), without which bfloat16 is slower than float32";
}

}  // namespace siamese
