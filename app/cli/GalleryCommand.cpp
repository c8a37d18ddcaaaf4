// siamese gallery: enrolled people and their reference photos. This file
// has the command itself and the people subcommands (list, remove, rename);
// enrolment, archives and the threshold have files of their own.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "Commands.h"
#include "GalleryCommands.h"
#include "nn/Embedder.h"

namespace siamese::cli {

std::unique_ptr<Session> GalleryOptions::session(GalleryOpening opening) const {
  configureTorchThreads();
  SessionSettings settings;
  settings.galleryOpening = opening;
  settings.galleryPath = gallery;
  settings.modelPath = model;
  return std::make_unique<Session>(settings);
}

void addGalleryPeopleCommands(CLI::App& gallery, const SharedGalleryOptions& options) {
  struct Args {
    std::string name, newName;
  };
  auto args = std::make_shared<Args>();
  gallery.add_subcommand("list", "List people and their photo counts")->callback([options] {
    const auto session = options->session();
    for (const GalleryPerson& p : session->gallery().people()) {
      std::printf("%-40s %3d photo(s)\n", p.name.c_str(), p.photoCount);
    }
  });

  CLI::App* remove = gallery.add_subcommand("remove", "Remove a person with their photos");
  remove->add_option("name", args->name)->required();
  remove->callback([args, options] {
    const auto session = options->session();
    GalleryStore& store = session->gallery();
    store.removePerson(store.personIdOf(args->name));
    std::printf("removed %s\n", args->name.c_str());
  });

  CLI::App* rename = gallery.add_subcommand("rename", "Rename a person");
  rename->add_option("name", args->name)->required();
  rename->add_option("new-name", args->newName)->required();
  rename->callback([args, options] {
    const auto session = options->session();
    GalleryStore& store = session->gallery();
    store.renamePerson(store.personIdOf(args->name), args->newName);
    std::printf("renamed %s to %s\n", args->name.c_str(), args->newName.c_str());
  });
}

void addGalleryCommands(CLI::App& app) {
  auto options = std::make_shared<GalleryOptions>();
  CLI::App* gallery = app.add_subcommand("gallery", "Manage the gallery of enrolled people");
  gallery->require_subcommand(1);
  gallery->add_option("--gallery", options->gallery, "Gallery database (default: ~/.local/share/siamese-studio/gallery.db)");
  gallery->add_option("-m,--model", options->model,
                      "Model bundle (default: the face tower when imported, else our own model)");
  addGalleryEnrolCommands(*gallery, options);
  addGalleryPeopleCommands(*gallery, options);
  addGalleryArchiveCommands(*gallery, options);
  addGalleryThresholdCommand(*gallery, options);
  addGalleryAdaptCommand(*gallery, options);
  addGalleryCheckCommand(*gallery, options);
  addGalleryCorrectionCommands(*gallery, options);
  addGalleryCaptureCommand(*gallery, options);
}

}  // namespace siamese::cli
