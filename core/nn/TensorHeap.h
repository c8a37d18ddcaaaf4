#pragma once
/// \file TensorHeap.h
/// Keeps freed tensor memory in the process's heap while networks run, so
/// that the next batch does not fault the same pages in again.

namespace siamese {

/// While at least one lives (training runs and Embedders hold one), no
/// block is mmapped and the heap's top is kept up to 1 GB.
///
/// Why: by default glibc gives large freed blocks back to the system
/// (munmap, or trimming the heap's top), and the next step faults the same
/// pages in again, each one zeroed. Training the default convnet took 3.3
/// million page faults in 35 steps, at 107 images/s (`siamese bench
/// training`, 2 cores); with these settings the residual net went from
/// 141-195 to 213-228 images/s. Embedding suffered the same: the 80 px
/// student embedded 51 images/s at batch 64 and 248 with them (`siamese
/// bench embedding`, one thread), the tower's batches of 64 likewise. glibc
/// cannot raise its mmap threshold above 32 MB, and one layer's output for
/// 64 faces is larger, so mmapping is turned off instead.
///
/// A network run on another thread (the app's) allocates from glibc's
/// per-thread heaps of 64 MB pieces, which still map blocks above that.
/// When the last holder goes, mmap comes back for blocks over 32 MB and
/// the top is trimmed, so the app gives the memory back; each holder that
/// goes also trims, so a finished training run's memory is returned even
/// while an Embedder keeps the settings. Holders may overlap (the app
/// trains, adapts and embeds at once): the first sets, the last restores.
class KeptTensorMemory {
 public:
  KeptTensorMemory();
  ~KeptTensorMemory();
  KeptTensorMemory(const KeptTensorMemory&) = delete;
  KeptTensorMemory& operator=(const KeptTensorMemory&) = delete;
};

}  // namespace siamese
