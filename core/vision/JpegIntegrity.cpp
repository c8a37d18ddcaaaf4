#include "vision/detail/JpegIntegrity.h"

// jpeglib.h needs FILE and size_t declared first.
#include <csetjmp>
#include <cstdio>
#include <jpeglib.h>  // first: its jconfig.h says which messages jerror.h declares
#include <jerror.h>

#include "common/Error.h"

namespace siamese::detail {
namespace {

// More scans than any encoder writes: a progressive file made of thousands
// of tiny scans costs time that grows with their square (as libjpeg-turbo's
// own tools limit it).
constexpr int kMaxScans = 500;

struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = {};
  bool damaged = false;
};

struct ScanLimit {
  jpeg_progress_mgr base;
  ErrorManager* errors;
};

[[noreturn]] void onError(j_common_ptr info) {
  auto* errors = reinterpret_cast<ErrorManager*>(info->err);
  (*info->err->format_message)(info, errors->message);
  std::longjmp(errors->jump, 1);
}

// Warnings (level -1) are where libjpeg reports lost data before it goes
// on with grey. Only those count: others (extraneous bytes before a marker,
// an unknown JFIF revision, a bogus ICC profile) leave the picture whole.
void onMessage(j_common_ptr info, int level) {
  auto* errors = reinterpret_cast<ErrorManager*>(info->err);
  if (level != -1 || errors->damaged) return;
  switch (info->err->msg_code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
#if JPEG_LIB_VERSION >= 70 || defined(D_ARITH_CODING_SUPPORTED)  // where jerror.h declares it
    case JWRN_ARITH_BAD_CODE:
#endif
    case JWRN_MUST_RESYNC:
      errors->damaged = true;
      (*info->err->format_message)(info, errors->message);
      break;
    default:
      break;
  }
}

void onProgress(j_common_ptr info) {
  auto* limit = reinterpret_cast<ScanLimit*>(info->progress);
  if (reinterpret_cast<j_decompress_ptr>(info)->input_scan_number > kMaxScans) {
    std::snprintf(limit->errors->message, sizeof limit->errors->message, "more than %d scans", kMaxScans);
    std::longjmp(limit->errors->jump, 1);
  }
}

}  // namespace

void checkJpegIntegrity(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  jpeg_decompress_struct decoder{};
  ErrorManager errors;
  decoder.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = onError;
  errors.base.emit_message = onMessage;
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_decompress(&decoder);
    throw FileError(name, std::string("the JPEG data is corrupt: ") + errors.message);
  }
  jpeg_create_decompress(&decoder);
  ScanLimit scanLimit{};
  scanLimit.base.progress_monitor = onProgress;
  scanLimit.errors = &errors;
  decoder.progress = &scanLimit.base;
  decoder.mem->max_memory_to_use = 1024L * 1024 * 1024;  // the coefficients of the largest photo allowed, and more
  jpeg_mem_src(&decoder, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&decoder, TRUE);
  decoder.scale_num = 1;
  decoder.scale_denom = 8;
  decoder.dct_method = JDCT_IFAST;
  jpeg_start_decompress(&decoder);
  // From libjpeg's own pool, freed with the decoder: nothing with a C++
  // destructor may live between setjmp and a longjmp.
  JSAMPARRAY rows = (*decoder.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&decoder), JPOOL_IMAGE,
                                                 decoder.output_width * JDIMENSION(decoder.output_components), 1);
  while (decoder.output_scanline < decoder.output_height && !errors.damaged) jpeg_read_scanlines(&decoder, rows, 1);
  if (!errors.damaged) jpeg_finish_decompress(&decoder);
  jpeg_destroy_decompress(&decoder);
  if (errors.damaged) {
    throw FileError(name, std::string("the JPEG data is damaged or incomplete (") + errors.message +
                              "); the picture would be partly grey, so it is refused");
  }
}

}  // namespace siamese::detail
