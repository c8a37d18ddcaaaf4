#include "common/Sha256.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

#include "common/AtomicFile.h"
#include "common/Error.h"

namespace siamese {

std::string sha256OfFile(const std::string& path) {
  requireRegularFile(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot be read");
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    throw Error("OpenSSL could not start a SHA-256 digest");
  }
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), std::streamsize(buffer.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(context.get(), buffer.data(), std::size_t(in.gcount()));
  }
  if (in.bad()) throw FileError(path, "could not be read to the end");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

}  // namespace siamese
