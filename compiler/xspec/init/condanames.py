"""What a conda package is on the Python side: a PyPI package, a system tool, or neither.

conda packages Python libraries, but also C libraries, compilers, CUDA and command-line
tools. An xspec env installs Python packages from a Python index and system packages
from apt or Nix, so each conda name is one of:

- a PyPI package: the same name, or one of the known renames in ``PYPI_NAMES``;
- a command-line tool whose package name is the same in Debian and in nixpkgs
  (``SYSTEM_TOOLS``; not `xz`, `sqlite` or `ninja`, which Debian names `xz-utils`,
  `sqlite3` and `ninja-build`, and which a `conda env export` lists as libraries),
  which goes into the env's `system` list (without conda's version: apt and Nix
  number their builds differently);
- conda-only (``CONDA_ONLY``, CUDA and C-library name patterns): not carried, reported.
  PyPI wheels bundle the C libraries they need, and GPU wheels bundle CUDA.

A name not in any table is taken to be the PyPI package of the same name: most conda
names of Python packages are. The tables are short on purpose; a name never gets a
PyPI name that is not written here.
"""

from __future__ import annotations

import re

# conda name -> PyPI name, where they differ.
PYPI_NAMES = {
    "pytorch": "torch", "pytorch-cpu": "torch", "pytorch-gpu": "torch", "py-opencv": "opencv-python",
    "opencv": "opencv-python", "matplotlib-base": "matplotlib", "msgpack-python": "msgpack",
    "tensorflow-gpu": "tensorflow", "tensorflow-base": "tensorflow", "pytables": "tables",
    "python-graphviz": "graphviz", "py-xgboost": "xgboost", "py-xgboost-cpu": "xgboost",
    "py-xgboost-gpu": "xgboost", "dask-core": "dask", "ruamel_yaml": "ruamel.yaml",
    "pyqt": "PyQt5", "python-kaleido": "kaleido", "libopencv": None, "numpy-base": None,
    "python-flatbuffers": "flatbuffers", "python-xxhash": "xxhash", "torchtriton": "triton",
}

# Command-line tools with the same package name in Debian and nixpkgs.
SYSTEM_TOOLS = {"bash", "curl", "wget", "git", "git-lfs", "make", "cmake", "ffmpeg", "unzip", "zip",
                "rsync", "graphviz", "htop", "tmux", "vim", "jq", "nodejs", "pkg-config", "gawk",
                "parallel", "tree", "less", "patch", "pigz", "nano", "screen", "swig", "pandoc"}

# Packages only conda has: the installer itself, compilers, CUDA, BLAS builds, runtimes.
CONDA_ONLY = {"pip", "setuptools", "wheel", "conda", "mamba", "cudatoolkit", "cudatoolkit-dev",
              "cuda-toolkit", "cuda-version", "cuda-nvcc", "cuda-runtime", "cudnn", "nccl",
              "pytorch-cuda", "pytorch-mutex", "cpuonly", "magma-cuda", "mkl", "mkl-service",
              "mkl_fft", "mkl_random", "mkl-include", "intel-openmp", "blas", "openblas",
              "gxx", "gcc", "gfortran", "gxx_linux-64", "gcc_linux-64", "gfortran_linux-64",
              "compilers", "cxx-compiler", "c-compiler", "fortran-compiler", "binutils",
              "ld_impl_linux-64", "ca-certificates", "certifi-conda", "openssl", "tk", "ncurses",
              "readline", "tzdata", "icu", "sqlite", "xz", "bzip2", "zstd", "openssh", "ninja", "jpeg", "zlib", "lz4-c", "expat", "freetype",
              "fontconfig", "pcre", "pcre2", "krb5", "yaml", "gmp", "mpfr", "mpc", "isl",
              "dbus", "glib", "gstreamer", "gst-plugins-base", "qt", "qt-main", "xorg-libx11",
              "jbig", "lerc", "giflib", "gettext", "nspr", "nss", "fribidi", "harfbuzz",
              "pixman", "cairo", "pango", "x264", "openh264", "lame", "gnutls", "nettle",
              "hdf5", "gflags", "glog", "keyutils", "lcms2", "orc", "re2", "snappy", "utf8proc",
              "c-ares", "xxhash", "flatbuffers", "libprotobuf", "thrift", "zeromq", "eigen",
              "python_abi", "r-base", "nvidia", "cuda"}
_CONDA_ONLY_PATTERN = re.compile(
    r"^(lib[a-z0-9].*|_.*|cuda-.*|.*-ng|.*_linux-64|xorg-.*|r-.*|perl-.*|font-.*|.*-cpp|aws-c-.*|"
    r"aws-checksums|"
    r"fonts-.*|.*-devel|.*-dev|icu-.*|llvm-?.*|nvidia-.*|mkl-.*)$")
# PyPI packages that the patterns above would take for conda-only ones.
_PYPI_DESPITE_PATTERN = {"librosa", "libclang", "liblinear", "libsvm", "llvmlite", "libcst",
                         "lightning-utilities"}


def classify(name: str) -> tuple[str, str | None]:
    """("pypi", name) | ("system", name) | ("conda", None) for a conda package name."""
    lowered = name.lower()
    if lowered in PYPI_NAMES:
        pypi = PYPI_NAMES[lowered]
        return ("pypi", pypi) if pypi else ("conda", None)
    if lowered in SYSTEM_TOOLS:
        return "system", lowered
    if lowered in CONDA_ONLY or (_CONDA_ONLY_PATTERN.match(lowered)
                                 and lowered not in _PYPI_DESPITE_PATTERN):
        return "conda", None
    return "pypi", name
