// swift-tools-version:6.0
// libFuzzer targets for the MIDI reader and the audio path; built and run by scripts/fuzz-midi and scripts/fuzz-audio
// (they need clang's sanitizer runtimes).
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder: "main" in one checkout, "soundsort" or a worktree's name in
/// another. The folder above this one is the SoundSort package, whatever it is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let fuzzerFlags: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]

let package = Package(
    name: "SoundSortFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        // The entry into libFuzzer's driver, shared by every target.
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "MIDIReaderFuzz",
            dependencies: ["FuzzDriver", .product(name: "MIDIIO", package: root)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: fuzzerFlags
        ),
        .executableTarget(
            name: "AudioReaderFuzz",
            dependencies: ["FuzzDriver", .product(name: "Transcribe", package: root), .product(name: "Kit", package: root)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: fuzzerFlags
        ),
    ]
)
