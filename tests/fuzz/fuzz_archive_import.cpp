// Fuzzes the gallery-archive importer: each input is written as an archive
// file and imported into one scratch gallery (an import is all or nothing,
// so a refused one leaves the gallery as it was).

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "common/Error.h"
#include "gallery/GalleryArchive.h"
#include "gallery/GalleryStore.h"

namespace {

std::string scratch(const char* name) {
  static const std::string folder = [] {
    char pattern[] = "/tmp/fuzz-archive-XXXXXX";
    return std::string(::mkdtemp(pattern));
  }();
  return folder + "/" + name;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace siamese;
  static GalleryStore gallery(scratch("gallery.db"));
  const std::string archive = scratch("input.archive");
  std::FILE* file = std::fopen(archive.c_str(), "wb");
  if (!file) return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  try {
    importGallery(gallery, archive);
  } catch (const Error&) {
  }
  return 0;
}
