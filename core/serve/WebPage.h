#pragma once
/// \file WebPage.h
/// The page `siamese serve` shows at /: resources/web/index.html, built
/// into the program (one file, its script and style inline; nothing is
/// fetched from elsewhere).

#include <string>

namespace siamese {

const std::string& webPage();

}  // namespace siamese
