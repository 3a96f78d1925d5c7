// swift-tools-version:6.1
// Benchmarks of every stage and of the whole job: `cd Benchmarks && swift package benchmark`.
// A package of its own (as swift-nio and swift-crypto do), so the main package builds without the benchmark tooling.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder ("main" in one checkout, a worktree's name in another): the folder
/// above this one is the SoundSort package, whatever it is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "SoundSortBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Stages",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Transcribe", package: root),
                .product(name: "MIDIIO", package: root),
                .product(name: "SoundSortCore", package: root),
            ],
            path: "Benchmarks/Stages",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
