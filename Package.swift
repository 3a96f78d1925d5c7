// swift-tools-version:6.0
import PackageDescription

/// A system library found through pkg-config, installed from Debian when missing.
func systemLibrary(_ name: String, pkgConfig: String, apt: [String]) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt(apt)])
}

let package = Package(
    name: "SoundSort",
    products: [
        .library(name: "SoundSortCore", targets: ["SoundSortCore"]),
        .library(name: "Transcribe", targets: ["Transcribe"]),
        .library(name: "MIDIIO", targets: ["MIDIIO"]),
        .library(name: "Eval", targets: ["Eval"]),
        .library(name: "Render", targets: ["Render"]),
        .library(name: "Kit", targets: ["Kit"]),
        .executable(name: "soundsort", targets: ["soundsort"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        systemLibrary("CSndFile", pkgConfig: "sndfile", apt: ["libsndfile1-dev"]),
        systemLibrary("CFFTW", pkgConfig: "fftw3f", apt: ["libfftw3-dev"]),
        systemLibrary("CSMF", pkgConfig: "smf", apt: ["libsmf-dev"]),
        systemLibrary("CCairo", pkgConfig: "cairo", apt: ["libcairo2-dev"]),

        // Value types shared by every stage, no C; and all-or-nothing output files (`AtomicOutput`, `PendingFiles`:
        // the project's one place for temporary files and the signal handling that removes them on interrupt).
        .target(name: "SoundSortCore"),
        .target(name: "Transcribe", dependencies: ["SoundSortCore", "CSndFile", "CFFTW"]),
        .target(name: "MIDIIO", dependencies: ["SoundSortCore", "CSMF"]),
        .target(name: "Eval", dependencies: ["SoundSortCore"]),
        // Drawing lives apart so that Transcribe stays free of it; it reads Eval's matches to mark a picture.
        .target(name: "Render", dependencies: ["SoundSortCore", "Eval", "CCairo"]),
        // Samples per sound, SFZ and SoundFont writers, re-synthesis: apart from MIDI and drawing.
        .target(name: "Kit", dependencies: ["SoundSortCore", "Transcribe"]),
        .executableTarget(
            name: "soundsort",
            dependencies: [
                "SoundSortCore", "Transcribe", "MIDIIO", "Eval", "Render", "Kit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .target(name: "TestSupport", dependencies: ["SoundSortCore", "Transcribe", "CCairo"], path: "Tests/TestSupport"),
        .testTarget(name: "SoundSortCoreTests", dependencies: ["SoundSortCore", "TestSupport"]),
        .testTarget(name: "TranscribeTests", dependencies: ["Transcribe", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MIDIIOTests", dependencies: ["MIDIIO", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EvalTests", dependencies: ["Eval", "MIDIIO", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Eval", "TestSupport"]),
        .testTarget(name: "KitTests", dependencies: ["Kit", "Transcribe", "TestSupport"]),
        .testTarget(name: "SoundSortCLITests", dependencies: ["soundsort", "TestSupport", "MIDIIO", "Transcribe"]),
    ]
)
