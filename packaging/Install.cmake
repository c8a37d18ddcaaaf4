# What `cmake --install` and the .deb put where, besides the programs (their
# own folders install those). Paths are relative to the install prefix
# (/usr in the .deb), so one set of rules serves both.

# The default model and its card. The programs look for it in
# <prefix>/share/siamese-studio/models beside their own bin/ folder
# (app/cli/CliSupport.cpp, defaultModelPath), so this folder name must match.
install(FILES
    ${PROJECT_SOURCE_DIR}/models/default.siamese
    ${PROJECT_SOURCE_DIR}/models/MODEL_CARD.md
    ${PROJECT_SOURCE_DIR}/models/FACE_TOWER_CARD.md
  DESTINATION share/siamese-studio/models)

# Debian expects every package's copyright file at this exact place.
install(FILES
    ${PROJECT_SOURCE_DIR}/README.md
    ${CMAKE_CURRENT_LIST_DIR}/copyright
  DESTINATION share/doc/siamese-studio)

# The menu entry and its icon only come with the desktop app: a launcher for
# a program that is not installed would be a broken menu item.
if(TARGET siamese-studio)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/siamese-studio.desktop DESTINATION share/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/siamese-studio.svg
    DESTINATION share/icons/hicolor/scalable/apps)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/siamese-studio-256.png
    DESTINATION share/icons/hicolor/256x256/apps RENAME siamese-studio.png)
endif()
