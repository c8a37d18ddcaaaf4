#pragma once
// A fixture for tests of the app's own path from photos to names: the
// shipped default model on the CPU and an empty gallery in a scratch folder.
// Skips when the model or LFW is missing.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "gallery/GalleryStore.h"
#include "nn/Embedder.h"
#include "support/TestSupport.h"

namespace siamese::test {

class DefaultModelGallery : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(defaultModel())) GTEST_SKIP() << "no " << defaultModel();
    SIAMESE_REQUIRE_DATA("lfw/images");
    configureTorchThreads();
    m_embedder = Embedder::load(defaultModel(), DevicePreference::Cpu);
    m_store = std::make_unique<GalleryStore>(m_dir.file("gallery.db"));
  }

  ScratchDir m_dir;
  std::unique_ptr<Embedder> m_embedder;
  std::unique_ptr<GalleryStore> m_store;
};

}  // namespace siamese::test
