# node-gyp build of the native addon: the from-source fallback on a user's machine and what
# prebuildify drives. The sources and per-ISA flags come from native/sources.json, as in CMakeLists.txt;
# each ISA library has sources only on its architecture (sources.json's "arch"): avx2/avx512 on x64,
# neon on arm64.
{
  "targets": [
    {
      "target_name": "kindling_avx2",
      "type": "static_library",
      "conditions": [["target_arch=='x64'", {
        "sources": ["<!@(node -p \"require('./native/sources.json').avx2.join(' ')\")"],
        "cflags_cc": ["<!@(node -p \"require('./native/sources.json').flags.avx2.join(' ')\")"],
        "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<!@(node -p \"require('./native/sources.json').flags.avx2.join(' ')\")"] }
      }]],
      "cflags_cc": ["-O3", "-std=c++17", "-fPIC"],
      "cflags_cc!": ["-fno-exceptions"]
    },
    {
      "target_name": "kindling_avx512",
      "type": "static_library",
      "conditions": [["target_arch=='x64'", {
        "sources": ["<!@(node -p \"require('./native/sources.json').avx512.join(' ')\")"],
        "cflags_cc": ["<!@(node -p \"require('./native/sources.json').flags.avx512.join(' ')\")"],
        "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<!@(node -p \"require('./native/sources.json').flags.avx512.join(' ')\")"] }
      }]],
      "cflags_cc": ["-O3", "-std=c++17", "-fPIC"],
      "cflags_cc!": ["-fno-exceptions"]
    },
    {
      "target_name": "kindling_neon",
      "type": "static_library",
      "conditions": [["target_arch=='arm64'", {
        "sources": ["<!@(node -p \"require('./native/sources.json').neon.join(' ')\")"],
        "cflags_cc": ["<!@(node -p \"require('./native/sources.json').flags.neon.join(' ')\")"],
        "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<!@(node -p \"require('./native/sources.json').flags.neon.join(' ')\")"] }
      }]],
      "cflags_cc": ["-O3", "-std=c++17", "-fPIC"],
      "cflags_cc!": ["-fno-exceptions"]
    },
    {
      "target_name": "kindling",
      "sources": [
        "<!@(node -p \"require('./native/sources.json').binding.join(' ')\")",
        "<!@(node -p \"require('./native/sources.json').common.join(' ')\")",
        "<!@(node -p \"require('./native/sources.json').portable.join(' ')\")",
        "<!@(node -p \"require('./native/sources.json').reference.join(' ')\")"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-O3", "-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES", "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3"] },
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["kindling_avx2", "kindling_avx512"] }],
        ["target_arch=='arm64'", { "dependencies": ["kindling_neon"] }],
        ["OS=='linux'", { "ldflags": ["-Wl,-z,now"] }]
      ]
    }
  ]
}
