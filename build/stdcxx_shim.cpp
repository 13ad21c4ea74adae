// TorchSharp 0.107's libLibTorchSharp.so is built with GCC 13 and references
// std::ios_base_library_init() (GLIBCXX_3.4.32). GCC 12's libstdc++ (Debian 12, Ubuntu 22.04)
// initialises iostreams in its own constructor instead, so a no-op is the correct stand-in.
namespace std { void ios_base_library_init() {} }
