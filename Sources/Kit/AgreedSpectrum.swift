import Foundation
import Transcribe

/// What a sound's examples agree on, kept in its clearest example: every cell of the clearest example's short-time
/// spectrum is brought down to a little above the median magnitude of all the examples there (never up), and the
/// result is put back together by weighted overlap-add. What sounds with this example and not with most others (the
/// next note's attack, a hat on one beat, another bass note under a lead) is taken out, its own tail included; what
/// every example holds stays, with the clearest example's phase, so copies of one waveform come back as they were.
struct AgreedSpectrum {
    /// Analysis frames last about this long, in seconds: fine enough in frequency to keep a note's partials apart from
    /// another note's, short enough that an attack is not smeared far before its onset.
    static let frameDuration = 0.046
    /// A cell is brought down to this many times the examples' median (3.5 dB): a noise's cells scatter around their
    /// median from example to example, and held to it exactly a hat lost its brightness (the corpus' kits rendered and
    /// transcribed again, at 1, 1.25, 1.5, 2 and 3: 1.5 best; the re-synthesis error alike from 1 to 3).
    static let allowance: Float = 1.5
    /// Frames overlap by three quarters (periodic Hann windows for analysis and synthesis).
    static let hopsPerFrame = 4

    let frameSize: Int
    var hop: Int { frameSize / Self.hopsPerFrame }
    private let forward: RealFFT
    private let inverse: InverseRealFFT
    private let window: [Float]

    init(sampleRate: Double) throws(TranscribeError) {
        var size = RealFFT.fastSize(atLeast: max(2 * Self.hopsPerFrame, Int(Self.frameDuration * sampleRate)))
        while size % Self.hopsPerFrame != 0 { size = RealFFT.fastSize(atLeast: size + 1) }
        frameSize = size
        forward = try RealFFT(size: frameSize)
        inverse = try InverseRealFFT(size: frameSize)
        window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
    }

    /// The first of `examples` with every spectral cell held to `allowance` times the examples' median magnitude there.
    /// - Parameter examples: examples of one sound, aligned on their onsets and brought to one level, each as long as
    ///   its own event, the first the clearest; the result is as long as the first. A frame is compared with the
    ///   examples that last to its middle, and kept as it is where fewer than `SamplePicker.fewestAgreedExamples` do.
    func clean(_ examples: [[Float]]) -> [Float] {
        guard let clearest = examples.first, !clearest.isEmpty, examples.count >= 2 else { return examples.first ?? [] }
        let length = clearest.count, bins = forward.binCount, size = frameSize
        var output = [Float](repeating: 0, count: length)
        var weight = [Float](repeating: 0, count: length)
        var magnitudes = [[Float]](repeating: [Float](repeating: 0, count: bins), count: examples.count)
        var spectrum = [Float](repeating: 0, count: 2 * bins)
        var column = [Float](repeating: 0, count: examples.count)
        // Frames start a frame less a hop before the first point and go on while they hold a point: every point lies
        // in `hopsPerFrame` frames, so the windows' squares sum to a constant over it.
        var start = hop - size
        while start < length {
            defer { start += hop }
            // Where too few examples last, the frame is kept as it is: its windowed points, added without transforms.
            guard examples.dropFirst().count(where: { start + size / 2 < $0.count }) + 1 >= SamplePicker.fewestAgreedExamples else {
                for i in 0..<size where start + i >= 0 && start + i < length {
                    output[start + i] += clearest[start + i] * window[i] * window[i]
                    weight[start + i] += window[i] * window[i]
                }
                continue
            }
            var voices = 0
            for (index, example) in examples.enumerated() where index == 0 || start + size / 2 < example.count {
                voices += 1
                forward.transform(filling: { frame in
                    for i in 0..<size {
                        let point = start + i
                        frame[i] = point >= 0 && point < example.count ? example[point] * window[i] : 0
                    }
                }, { transformed in
                    for k in 0..<bins {
                        let re = transformed[2 * k], im = transformed[2 * k + 1]
                        magnitudes[voices - 1][k] = (re * re + im * im).squareRoot()
                        if index == 0 { spectrum[2 * k] = re; spectrum[2 * k + 1] = im }
                    }
                })
            }
            for k in 0..<bins {
                for index in 0..<voices { column[index] = magnitudes[index][k] }
                column[..<voices].sort()
                let middle = voices / 2
                let median = voices % 2 == 1 ? column[middle] : (column[middle - 1] + column[middle]) / 2
                let own = magnitudes[0][k]
                let allowed = median * Self.allowance
                let gain: Float = own > allowed && own > 0 ? allowed / own : 1
                spectrum[2 * k] *= gain
                spectrum[2 * k + 1] *= gain
            }
            inverse.transform(filling: { bins in
                for i in 0..<bins.count { bins[i] = spectrum[i] }
            }, { frame in
                for i in 0..<size {
                    let point = start + i
                    guard point >= 0, point < length else { continue }
                    output[point] += frame[i] * window[i] / Float(size)
                    weight[point] += window[i] * window[i]
                }
            })
        }
        for point in 0..<length where weight[point] > 0 { output[point] /= weight[point] }
        return output
    }
}
