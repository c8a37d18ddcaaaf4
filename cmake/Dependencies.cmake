# Third-party packages, all from Debian (see scripts/setup.sh for the list).
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

# The engine alone (SIAMESE_ENGINE_ONLY) needs LibTorch and these only.
if(SIAMESE_ENGINE_ONLY)
  find_package(Torch REQUIRED)
  find_package(nlohmann_json 3 REQUIRED)
  find_package(OpenMP REQUIRED COMPONENTS CXX)
  find_package(CLI11 REQUIRED)
  return()
endif()

find_package(OpenCV 4 REQUIRED COMPONENTS core imgproc imgcodecs objdetect videoio)
find_package(dlib REQUIRED)
# libjpeg-turbo: OpenCV decodes JPEGs, but a damaged one only makes libjpeg
# warn; we read the data once more ourselves to refuse it (vision/JpegIntegrity).
find_package(JPEG REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)

# giflib has no CMake package: OpenCV 4.6 cannot decode GIF (the Yale faces
# are GIFs), so we decode them ourselves.
find_path(GIF_INCLUDE_DIR gif_lib.h REQUIRED)
find_library(GIF_LIBRARY gif REQUIRED)
add_library(siamese_gif INTERFACE)
target_include_directories(siamese_gif SYSTEM INTERFACE ${GIF_INCLUDE_DIR})
target_link_libraries(siamese_gif INTERFACE ${GIF_LIBRARY})

# Files installed by Debian's data packages, used as defaults at run time.
set(SIAMESE_DLIB_DATA_DIR "/usr/share/dlib" CACHE PATH "libdlib-data folder")
set(SIAMESE_OPENCV_DATA_DIR "/usr/share/opencv4" CACHE PATH "opencv-data folder")

# LibTorch: Debian's CPU build by default; point CMAKE_PREFIX_PATH at a CUDA
# PyTorch's share/cmake to build the trainer for a GPU.
find_package(Torch REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(SQLite3 REQUIRED)

# FAISS for large galleries. Debian ships only the static libfaiss.a; its
# CMake package links BLAS/LAPACK itself but expects the OpenMP target.
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(faiss REQUIRED)

# The desktop app: Qt 6 Widgets and Charts.
find_package(Qt6 REQUIRED COMPONENTS Widgets Charts)
