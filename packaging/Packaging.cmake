# The Debian package: `cpack -G DEB` in the build folder (or the `package`
# target) builds siamese-studio_<version>_<arch>.deb from the install rules.
# Included from the top CMakeLists.txt after app/, so that it can see which
# programs exist.

include(${CMAKE_CURRENT_LIST_DIR}/Install.cmake)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME siamese-studio)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Siamese Studio team")
set(CPACK_PACKAGE_CONTACT "Siamese Studio team")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Siamese Studio team")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# siamese-studio_0.1.0_amd64.deb, as Debian names its own packages.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)

# A Debian package always installs under /usr, whatever CMAKE_INSTALL_PREFIX
# says; the programs find their data relative to their own folder, so the
# prefix compiled into them does not matter.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

# The release build keeps debug information (RelWithDebInfo); the package
# does not need it, and stripping cuts the programs to a fraction.
set(CPACK_STRIP_FILES ON)
# Same permissions whatever the umask of the machine that builds it.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Library dependencies are read from the programs themselves by
# dpkg-shlibdeps (package dpkg-dev), so they follow whatever is linked:
# OpenCV, dlib, LibTorch, SQLite, giflib, BLAS/LAPACK and OpenMP for the
# static FAISS, and Qt for the desktop app. What no ELF file names is added
# by hand: data files read at run time and plugins Qt loads itself.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(siamese_package_depends
  libdlib-data   # /usr/share/dlib/shape_predictor_68_face_landmarks.dat: face alignment
  opencv-data)   # /usr/share/opencv4/haarcascades: the `haar` detector
if(TARGET siamese-studio)
  # libqt6gui6 only recommends the platform plugins, yet without the xcb
  # plugin no window can open.
  list(APPEND siamese_package_depends qt6-qpa-plugins)
endif()
list(JOIN siamese_package_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# Any BLAS satisfies the libraries; OpenBLAS makes dlib and LibTorch several
# times faster than the reference one.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS libopenblas0-pthread)

# The summary is the description's first line; CPack indents the rest.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(siamese_package_programs "the siamese command line")
if(TARGET siamese-studio)
  set(siamese_package_programs "the Siamese Studio desktop app and the siamese command line")
endif()
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Siamese Studio detects, aligns and crops faces, builds balanced pairs,
trains siamese convolutional networks, and names the people in photos,
videos and camera streams against a gallery of enrolled people.
This package holds ${siamese_package_programs},
and the default face model, trained on LFW by this program.")

include(CPack)
