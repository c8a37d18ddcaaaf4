#pragma once
// Fixtures for tests of the app's own path from photos to names: a model on
// the CPU and an empty gallery in a scratch folder. DefaultModelGallery
// uses our own trained model (models/default.siamese), FaceTowerGallery the
// imported face tower, the app's default. Both skip when the model or LFW
// is missing.

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
    if (!std::filesystem::exists(modelPath())) GTEST_SKIP() << "no " << modelPath();
    SIAMESE_REQUIRE_DATA("lfw/images");
    configureTorchThreads();
    m_embedder = Embedder::load(modelPath(), DevicePreference::Cpu);
    m_store = std::make_unique<GalleryStore>(m_dir.file("gallery.db"));
  }

  virtual std::string modelPath() const { return defaultModel(); }

  ScratchDir m_dir;
  std::unique_ptr<Embedder> m_embedder;
  std::unique_ptr<GalleryStore> m_store;
};

class FaceTowerGallery : public DefaultModelGallery {
 protected:
  std::string modelPath() const override { return faceTower(); }
};

}  // namespace siamese::test
