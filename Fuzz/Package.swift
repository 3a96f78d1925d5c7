// swift-tools-version:6.0
// libFuzzer target for the MIDI reader; built and run by scripts/fuzz-midi (needs clang's sanitizer runtimes).
import PackageDescription

let package = Package(
    name: "SoundSortFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "MIDIReaderFuzz",
            dependencies: [.product(name: "MIDIIO", package: "main")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
        ),
    ]
)
