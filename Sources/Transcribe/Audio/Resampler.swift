import Foundation

/// A source's frames at another sample rate: band-limited interpolation by a Kaiser-windowed sinc, in polyphase form.
///
/// The analysis runs at one rate (`Transcriber.analysisSampleRate`) whatever the file's: a window of a few dozen
/// milliseconds is a whole number of samples, and a filterbank reads bins at multiples of rate / size, so analysing
/// 48 or 96 kHz at their own rate gave slightly different spectra from the same music at 44.1 kHz, and, through the
/// thresholds of onset picking and clustering, other sounds (13 sounds at 96 kHz for 6 at 44.1 kHz). Resampling to the
/// analysis rate first makes the numbers differ only by the resampler's error, far under anything the thresholds see.
///
/// Output frame `n` lies at input position `n × inputRate / outputRate`; there are as many output frames as start
/// within the input's duration (`frames × outputRate / inputRate`, rounded up). Samples before the first frame
/// stand for the first frame and samples after the last for the last (as the analysis treats a file's edges), and
/// each phase's taps sum to 1, so a constant signal stays constant (to rounding) and the edges are no onsets.
/// - Complexity: `2 × zeroCrossings / min(1, outputRate / inputRate)` multiply-adds per output sample and channel;
///   memory: the polyphase table (at most `maximumPhases × taps` values) and one block of input.
public final class ResampledSource: SampleSource {
    public let sampleRate: Double
    public let channelCount: Int
    /// The rate of the source, in Hz.
    public let inputRate: Int

    /// Zero crossings of the sinc on each side of the centre, at the lower of the two rates.
    static let zeroCrossings = 16
    /// The passband ends at this share of the lower Nyquist frequency (20.7 kHz for 44.1 kHz output).
    static let passbandShare = 0.94
    /// Kaiser window shape: about 90 dB of stopband rejection.
    static let kaiserBeta = 9.0
    /// Rates whose ratio needs more phases than this (e.g. 44 099 Hz) use this many, the position rounded to the
    /// nearest: 1/4 096 of a sample, an error under −80 dB at the top of the band.
    static let maximumPhases = 4_096
    /// Input frames read from the source at a time.
    static let inputBlock = 16_384

    private let source: SampleSource
    /// Output frame n lies at input position n × step / up (both reduced by their greatest common divisor).
    private let up: Int
    private let step: Int
    private let phases: Int
    /// Taps per phase; the taps of phase p weigh input frames i − halfTaps + 1 … i + halfTaps (and, weighing 0,
    /// up to a whole number of vectors).
    private let taps: Int
    private let halfTaps: Int
    /// `phases × taps × channelCount` weights, phase-major, each weight repeated for every channel, so that the
    /// taps of all channels are one contiguous dot product with the interleaved input.
    private let table: [Float]
    /// Channel counts whose interleaved frames fill SIMD lanes evenly take the vector path.
    private let vectorised: Bool

    private var input: [Float] = []
    /// Absolute index of the first frame in `input`.
    private var inputBase = 0
    private var inputFrames = 0
    /// Frames read from the source since the last rewind (all of it once a read returned 0).
    public var inputFrameCount: Int { inputFrames }
    private var endOfInput = false
    private var firstFrame: [Float] = []
    private var nextOutput = 0

    /// - Parameters:
    ///   - source: frames at an integral rate (a fractional rate is rounded to the nearest hertz).
    ///   - outputRate: the rate wanted, in Hz.
    /// - Throws: `.invalidParameter` for a rate outside the range `AudioFile` accepts.
    public init(_ source: SampleSource, outputRate: Int) throws(TranscribeError) {
        try AudioFile.checkFormat(sampleRate: source.sampleRate, channelCount: source.channelCount)
        try AudioFile.checkFormat(sampleRate: Double(outputRate), channelCount: 1)
        self.source = source
        sampleRate = Double(outputRate)
        channelCount = source.channelCount
        inputRate = Int(source.sampleRate.rounded())
        let divisor = Self.greatestCommonDivisor(inputRate, outputRate)
        up = outputRate / divisor
        step = inputRate / divisor
        phases = min(up, Self.maximumPhases)
        // Cutoff as a share of the input's Nyquist frequency.
        let cutoff = Self.passbandShare * min(1, Double(outputRate) / Double(inputRate))
        halfTaps = Int((Double(Self.zeroCrossings) / cutoff).rounded(.up))
        // Zero weights pad the taps to whole SIMD vectors of every channel: 8 taps a phase.
        taps = (2 * halfTaps + 7) / 8 * 8
        var table = [Float](repeating: 0, count: phases * taps * channelCount)
        let halfWidth = Double(halfTaps)
        for phase in 0..<phases {
            let fraction = Double(phase) / Double(phases)
            var weights = [Double](repeating: 0, count: taps)
            for k in 0..<taps {
                // Distance (input samples) from the output position to input frame i − halfTaps + 1 + k.
                let t = Double(k - halfTaps + 1) - fraction
                let x = cutoff * t
                let sinc = x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
                let ratio = k < 2 * halfTaps ? t / halfWidth : 1
                let window = abs(ratio) < 1 ? Self.besselI0(Self.kaiserBeta * (1 - ratio * ratio).squareRoot()) / Self.besselI0(Self.kaiserBeta) : 0
                weights[k] = cutoff * sinc * window
            }
            let sum = weights.reduce(0, +)
            for k in 0..<taps {
                for channel in 0..<channelCount { table[(phase * taps + k) * channelCount + channel] = Float(weights[k] / sum) }
            }
        }
        self.table = table
        vectorised = [1, 2, 4, 8].contains(channelCount)
    }

    public func rewind() throws(TranscribeError) {
        try source.rewind()
        input.removeAll(keepingCapacity: true)
        inputBase = 0
        inputFrames = 0
        endOfInput = false
        firstFrame = []
        nextOutput = 0
    }

    public func read(maxFrames: Int, appendingTo buffer: inout [Float]) throws(TranscribeError) -> Int {
        let channels = channelCount
        var produced = 0
        while produced < maxFrames {
            // Read until the frames the next output weighs are in (one more for a phase rounded up), or the end.
            while !endOfInput && availableEnd <= inputIndex(of: nextOutput) + reach + 1 { try fill() }
            if endOfInput && inputIndex(of: nextOutput) >= inputFrames { break }
            // Every output the input read so far covers, up to what was asked: outputs n with index(n) < limit, that
            // is n × step < limit × up.
            let limit = endOfInput ? inputFrames : availableEnd - reach - 1
            let covered = (limit * up + step - 1) / step
            let count = min(maxFrames - produced, covered - nextOutput)
            guard count > 0 else { break }
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: count * channels))
            interpolate(outputs: nextOutput..<(nextOutput + count), into: &buffer, at: start)
            nextOutput += count
            produced += count
        }
        trim()
        return produced
    }

    /// How many frames after the one at or before an output its taps weigh.
    private var reach: Int { taps - halfTaps }

    /// One past the last input frame held.
    private var availableEnd: Int { inputBase + input.count / channelCount }

    /// The input frame at or before output frame `n`.
    private func inputIndex(of n: Int) -> Int { n * step / up }

    /// Reads one block of the source.
    private func fill() throws(TranscribeError) {
        let before = input.count
        let read = try source.read(maxFrames: Self.inputBlock, appendingTo: &input)
        if read == 0 {
            endOfInput = true
            return
        }
        if inputFrames == 0 { firstFrame = Array(input[before..<(before + channelCount)]) }
        inputFrames += read
    }

    /// Drops input frames no output still to come weighs.
    private func trim() {
        let oldest = inputIndex(of: nextOutput) - halfTaps
        let drop = min(oldest - inputBase, input.count / channelCount)
        if drop >= Self.inputBlock {
            input.removeFirst(drop * channelCount)
            inputBase += drop
        }
    }

    /// Writes output frames `outputs` (interleaved) into `buffer` from `offset` on.
    private func interpolate(outputs: Range<Int>, into buffer: inout [Float], at offset: Int) {
        let channels = channelCount, taps = taps, halfTaps = halfTaps, up = up, step = step, phases = phases, vectorised = vectorised
        let last = inputFrames - 1
        let available = availableEnd, base = inputBase, atEnd = endOfInput
        input.withUnsafeBufferPointer { samples in
            table.withUnsafeBufferPointer { table in
                firstFrame.withUnsafeBufferPointer { firstFrame in
                    buffer.withUnsafeMutableBufferPointer { output in
                        // Output n lies at input frame `index` plus `remainder / up`, stepped without dividing.
                        var index = outputs.lowerBound * step / up
                        var remainder = outputs.lowerBound * step % up
                        for written in 0..<outputs.count {
                            defer {
                                remainder += step
                                while remainder >= up { remainder -= up; index += 1 }
                            }
                            var frame = index
                            var phase = phases == up ? remainder : Int((Double(remainder) * Double(phases) / Double(up)).rounded())
                            if phase == phases { (frame, phase) = (frame + 1, 0) }
                            let first = frame - halfTaps + 1
                            let weights = phase * taps * channels
                            let target = offset + written * channels
                            if first >= 0 && first + taps <= available && first + taps - 1 <= last {
                                Self.dotProducts(table.baseAddress! + weights, samples.baseAddress! + (first - base) * channels,
                                                 count: taps * channels, channels: channels, vectorised: vectorised,
                                                 into: output.baseAddress! + target)
                                continue
                            }
                            // At the edges: before the first frame its value, after the last frame its value.
                            for channel in 0..<channels {
                                var sum: Float = 0
                                for k in 0..<taps {
                                    let f = first + k
                                    let value = f < 0 ? firstFrame[channel]
                                        : samples[(min(f, atEnd ? last : available - 1) - base) * channels + channel]
                                    sum += table[weights + k * channels + channel] * value
                                }
                                output[target + channel] = sum
                            }
                        }
                    }
                }
            }
        }
    }

    /// Per channel, the sum of `weights[i] × samples[i]` over the `count` interleaved values whose index is that
    /// channel modulo `channels`, written to `output[channel]`. On the vector path `count` is a multiple of 8.
    @inline(__always)
    private static func dotProducts(_ weights: UnsafePointer<Float>, _ samples: UnsafePointer<Float>, count: Int, channels: Int,
                                    vectorised: Bool, into output: UnsafeMutablePointer<Float>) {
        guard vectorised else {
            for channel in 0..<channels { output[channel] = 0 }
            for i in 0..<count { output[i % channels] += weights[i] * samples[i] }
            return
        }
        // Lane l of the accumulator collects channel l modulo `channels` (which divides 8).
        var accumulator = SIMD8<Float>()
        let weightBytes = UnsafeRawPointer(weights), sampleBytes = UnsafeRawPointer(samples)
        let stride = 8 * MemoryLayout<Float>.stride
        for block in 0..<(count / 8) {
            accumulator += weightBytes.loadUnaligned(fromByteOffset: block * stride, as: SIMD8<Float>.self)
                * sampleBytes.loadUnaligned(fromByteOffset: block * stride, as: SIMD8<Float>.self)
        }
        switch channels {
        case 1: output[0] = accumulator.sum()
        case 2: (output[0], output[1]) = (accumulator.evenHalf.sum(), accumulator.oddHalf.sum())
        default:
            for channel in 0..<channels { output[channel] = 0 }
            for lane in 0..<8 { output[lane % channels] += accumulator[lane] }
        }
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int { b == 0 ? a : greatestCommonDivisor(b, a % b) }

    /// The modified Bessel function of the first kind, order 0, by its power series (converges fast for x ≤ 20).
    private static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        while term > 1e-12 * sum {
            term *= (x / (2 * k)) * (x / (2 * k))
            sum += term
            k += 1
        }
        return sum
    }
}
