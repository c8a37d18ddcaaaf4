#include "nn/BFloat16Inference.h"

namespace siamese {

bool cpuComputesBFloat16() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
#else
  return false;
#endif
}

std::string bfloat16Unsupported() {
  if (cpuComputesBFloat16()) return {};
  return "this CPU has no bfloat16 instructions (AVX512_BF16 or AMX), on which bfloat16 is slower than float32";
}

}  // namespace siamese
