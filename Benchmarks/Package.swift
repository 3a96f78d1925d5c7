// swift-tools-version:6.1
// Benchmarks of every stage and of the whole job: `cd Benchmarks && swift package benchmark`.
// A package of its own (as swift-nio and swift-crypto do), so the main package builds without the benchmark tooling.
import PackageDescription

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
                .product(name: "Transcribe", package: "main"),
                .product(name: "MIDIIO", package: "main"),
                .product(name: "SoundSortCore", package: "main"),
            ],
            path: "Benchmarks/Stages",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
