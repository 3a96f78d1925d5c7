import Benchmark
import Foundation
import MIDIIO
import SoundSortCore
import Transcribe

/// A corpus case: real rendered music.
let corpusSong = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("corpus/cases/fast-arpeggio.flac").path

/// Ten seconds of clicks and tones, made here so the benchmark needs no file.
let synthesized: [Float] = {
    let rate = 44_100.0
    var signal = [Float](repeating: 0, count: Int(10 * rate))
    for (index, onset) in stride(from: 0.1, to: 9.8, by: 0.25).enumerated() {
        let start = Int(onset * rate)
        let frequency = [220.0, 330.0, 440.0, 0][index % 4]
        for n in 0..<Int(0.2 * rate) {
            let t = Double(n) / rate
            signal[start + n] += frequency > 0
                ? Float(0.3 * sin(2 * .pi * frequency * t) * exp(-4 * t))
                : Float(0.4 * sin(Double(n * 7919 % 104_729)) * exp(-t / 0.005))
        }
    }
    return signal
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(3))

    Benchmark("decode (FLAC, 16 s)") { benchmark in
        for _ in benchmark.scaledIterations {
            let source = try FileSampleSource(path: corpusSong)
            var block: [Float] = []
            while try source.read(maxFrames: FrameStream.blockFrames, appendingTo: &block) > 0 { block.removeAll(keepingCapacity: true) }
        }
    }

    // The per-frame loop: one FFT, mel bands and a flux value per frame; mallocs should not grow with frames.
    Benchmark("STFT + flux (10 s, 1001 frames)") { benchmark in
        let stream = FrameStream(analyzer: try FrameAnalyzer(sampleRate: 44_100, settings: SpectrogramSettings()))
        var flux = try FluxTracker(bandCount: stream.analyzer.bandCount, frameDuration: stream.analyzer.frameDuration, settings: OnsetSettings())
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            // The loop every caller streams with; its buffers are allocated once a run, never per frame.
            try stream.run(ArraySampleSource(samples: synthesized, sampleRate: 44_100)) { _, row, _, _ in blackHole(flux.push(row)) }
        }
    }

    Benchmark("onsets: peak picking (10 s)") { benchmark in
        let spectrogram = try Spectrogram(samples: synthesized, sampleRate: 44_100)
        let function = try OnsetDetector.superFlux(spectrogram)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try OnsetDetector.pickPeaks(function, frameDuration: spectrogram.frameDuration))
        }
    }

    Benchmark("features (10 s, 40 events)") { benchmark in
        let spectrogram = try Spectrogram(samples: synthesized, sampleRate: 44_100)
        let onsets = try OnsetDetector.pickPeaks(OnsetDetector.superFlux(spectrogram), frameDuration: spectrogram.frameDuration)
        let events = try EventSegmenter.events(onsetFrames: onsets, frameMagnitude: spectrogram.frameMagnitude, frameDuration: spectrogram.frameDuration)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var copy = events
            blackHole(try FeatureExtractor.features(of: &copy, spectrogram: spectrogram, samples: synthesized))
        }
    }

    // 50 000 items go through leaders: memory stays bounded and time near-linear.
    for count in [2_000, 50_000] {
        Benchmark("clustering (\(count) items)", configuration: .init(maxDuration: .seconds(10), maxIterations: 3)) { benchmark in
            var state: UInt64 = 42
            let points: [SIMD4<Float>] = (0..<count).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let cluster = Float(state >> 58)  // 64 sounds
                return SIMD4(cluster * 10, Float(state >> 40 & 0xFF) / 255, 0, 0)
            }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(AgglomerativeClustering.labels(count: count, threshold: 6) { i, j in
                    let d = points[i] - points[j]
                    return abs(d.x) + abs(d.y)
                })
            }
        }
    }

    Benchmark("MIDI write (5000 notes)") { benchmark in
        let notes = (0..<5_000).map { MIDISong.Track.Note(onset: Double($0) * 0.1, offset: Double($0) * 0.1 + 0.05, pitch: 36 + $0 % 48, velocity: 90) }
        let song = MIDISong(tempoChanges: [], tracks: [.init(name: "S00", channel: 0, program: 0, notes: notes)])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("soundsort-benchmark.mid").path
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try song.write(to: path) }
    }

    Benchmark("end to end (corpus song, 16 s)") { benchmark in
        let transcriber = try Transcriber()
        for _ in benchmark.scaledIterations { blackHole(try transcriber.transcribe(path: corpusSong)) }
    }
}
