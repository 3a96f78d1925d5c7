internal import CSndFile
import Foundation

/// An audio file opened for reading through libsndfile: every format it reads (WAV, AIFF, FLAC, OGG/Vorbis, Opus, MP3…).
///
/// Owns the libsndfile handle and closes it in `deinit`. Reads in blocks of interleaved frames (every channel: the
/// analysis combines channels by power, so no phase relation between them can cancel a sound) or mixed to mono;
/// samples no recording holds (NaN, infinity, or beyond ±2²⁰, 120 dB over full scale, in a float file) are read as
/// the channel's previous sample.
public final class AudioFile {
    public let path: String
    /// Frames per second, in Hz.
    public let sampleRate: Double
    public let channelCount: Int
    /// Frames the header announces; a truncated file may deliver fewer.
    public let declaredFrameCount: Int64
    /// Container and encoding, as libsndfile names them (e.g. "WAV (Microsoft)", "Signed 16 bit PCM").
    public let containerName: String
    public let encodingName: String

    private let handle: OpaquePointer
    /// The bytes an in-memory file reads from, kept alive as long as the handle.
    private let memory: MemoryFile?
    /// Whether reads go through libmpg123, which prints its warnings to standard error (see `QuietStandardError`).
    private let printsWarnings: Bool
    private var interleaved: [Float] = []
    /// Last usable sample of each channel, standing in for invalid ones.
    private var lastValid: [Float] = []
    /// Samples that were invalid (NaN, infinite, or beyond ±`largestValidSample`) and were read as the channel's
    /// previous sample.
    public private(set) var invalidSampleCount = 0
    /// A float file's samples beyond this (2²⁰, 120 dB over full scale) are no sound but broken data: kept, they
    /// overflow sums of a few of them (a kit's rebuild read as infinite, its error as NaN).
    public static let largestValidSample: Float = 1_048_576

    /// Opens `path` for reading.
    /// - Throws: `TranscribeError.cannotOpen` with libsndfile's own message; `.noAudio` for a file of zero frames
    ///   or an absurd sample rate or channel count.
    public convenience init(path: String) throws(TranscribeError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotOpen(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw .cannotOpen(path: path, reason: "is a directory") }
        if (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0 {
            throw .cannotOpen(path: path, reason: "the file is empty")
        }
        var info = SF_INFO()
        let opened = QuietStandardError.run { LibSndFile.open { sf_open(path, Int32(SFM_READ), &info) } }
        guard let handle = opened.handle else { throw .cannotOpen(path: path, reason: opened.error) }
        try self.init(handle: handle, info: info, path: path, memory: nil)
    }

    /// Opens audio held in memory, through libsndfile's virtual I/O: what a file would hold, without a file.
    /// - Parameter path: names the bytes in errors.
    /// - Throws: as `init(path:)`.
    public convenience init(bytes: [UInt8], path: String) throws(TranscribeError) {
        guard !bytes.isEmpty else { throw .cannotOpen(path: path, reason: "the file is empty") }
        let memory = MemoryFile(bytes)
        var info = SF_INFO()
        let opened = QuietStandardError.run {
            LibSndFile.open { sf_open_virtual(&memory.callbacks, Int32(SFM_READ), &info, Unmanaged.passUnretained(memory).toOpaque()) }
        }
        guard let handle = opened.handle else { throw .cannotOpen(path: path, reason: opened.error) }
        try self.init(handle: handle, info: info, path: path, memory: memory)
    }

    /// Takes over an open handle; closes it when the header is unusable.
    private init(handle: OpaquePointer, info: SF_INFO, path: String, memory: MemoryFile?) throws(TranscribeError) {
        self.handle = handle
        self.memory = memory
        self.path = path
        sampleRate = Double(info.samplerate)
        channelCount = Int(info.channels)
        declaredFrameCount = Int64(info.frames)
        containerName = Self.formatName(handle, format: info.format & Int32(SF_FORMAT_TYPEMASK))
        encodingName = Self.formatName(handle, format: info.format & Int32(SF_FORMAT_SUBMASK))
        printsWarnings = info.format & Int32(SF_FORMAT_TYPEMASK) == Int32(SF_FORMAT_MPEG)
        do {
            try Self.checkFormat(sampleRate: sampleRate, channelCount: channelCount)
        } catch {
            throw .cannotOpen(path: path, reason: "unusable header (\(channelCount) channels at \(Int(sampleRate)) Hz)")
        }
        if declaredFrameCount <= 0 { throw .noAudio(path: path) }
    }

    deinit { sf_close(handle) }

    /// Sample rates outside this range (Hz) are a broken header, not audio: the analysis' windows would hold a
    /// handful of samples, or millions.
    public static let sampleRates: ClosedRange<Double> = 1_000...1_000_000
    /// More channels than this is a broken header (the analysis reads every channel).
    public static let maximumChannelCount = 1_024

    /// Checks a sample rate (Hz) and channel count the analysis can work with.
    /// - Throws: `.invalidParameter` naming the value out of range.
    public static func checkFormat(sampleRate: Double, channelCount: Int) throws(TranscribeError) {
        guard sampleRate.isFinite, sampleRates.contains(sampleRate) else {
            throw .invalidParameter(name: "sample rate", value: "\(sampleRate) Hz", allowed: "1000…1000000 Hz")
        }
        guard (1...maximumChannelCount).contains(channelCount) else {
            throw .invalidParameter(name: "channel count", value: "\(channelCount)", allowed: "1…\(maximumChannelCount)")
        }
    }

    /// Length the header announces, in seconds.
    public var declaredDuration: Double { Double(declaredFrameCount) / sampleRate }

    /// Reads up to `maxFrames` frames, interleaved (`channelCount` values a frame), appending them to `frames`.
    /// Invalid samples (NaN, infinite, or beyond ±`largestValidSample`) are read as their channel's previous sample.
    /// - Returns: the number of frames read; 0 at the end of the file.
    @discardableResult
    public func read(maxFrames: Int, appendingTo frames: inout [Float]) throws(TranscribeError) -> Int {
        let channels = channelCount
        let start = frames.count
        frames.reserveCapacity(start + maxFrames * channels)
        var got: sf_count_t = 0
        frames.append(contentsOf: repeatElement(0, count: maxFrames * channels))
        frames.withUnsafeMutableBufferPointer { buffer in
            let destination = buffer.baseAddress! + start
            got = printsWarnings ? QuietStandardError.run { sf_readf_float(handle, destination, sf_count_t(maxFrames)) }
                : sf_readf_float(handle, destination, sf_count_t(maxFrames))
        }
        let read = max(0, Int(got))
        frames.removeLast((maxFrames - read) * channels)
        if read == 0 {
            if sf_error(handle) != 0 { throw .cannotRead(path: path, reason: String(cString: sf_strerror(handle))) }
            return 0
        }
        if lastValid.count != channels { lastValid = [Float](repeating: 0, count: channels) }
        var invalid = 0
        frames.withUnsafeMutableBufferPointer { samples in
            lastValid.withUnsafeMutableBufferPointer { last in
                // Almost every block is all valid: one branch-free pass tells, and then the last frame is each
                // channel's last valid sample. A float's magnitude bits (sign cleared) order as its magnitude, and NaN
                // and infinities lie above every finite one: plus the distance from the first invalid magnitude to the
                // sign bit, an invalid sample reaches the sign bit and no other does. Integer and, add and or, which
                // the compiler vectorises (a compare per sample it did not).
                let magnitudeBits: UInt32 = 0x7FFF_FFFF, toSignBit = 0x8000_0000 - Self.largestValidSample.nextUp.bitPattern
                var invalidSeen: UInt32 = 0
                let first = samples.baseAddress! + start
                for i in 0..<(read * channels) { invalidSeen |= (first[i].bitPattern & magnitudeBits) &+ toSignBit }
                if invalidSeen & 0x8000_0000 == 0 {
                    for channel in 0..<channels { last[channel] = samples[start + (read - 1) * channels + channel] }
                    return
                }
                for frame in 0..<read {
                    let base = start + frame * channels
                    for channel in 0..<channels {
                        let sample = samples[base + channel]
                        if abs(sample) <= Self.largestValidSample {
                            last[channel] = sample
                        } else {
                            samples[base + channel] = last[channel]
                            invalid += 1
                        }
                    }
                }
            }
        }
        invalidSampleCount += invalid
        return read
    }

    /// Reads up to `maxFrames` frames, mixed down to mono (the mean of the channels), appending them to `mono`.
    ///
    /// For looking at a file, not for analysing it: channels in opposite phase cancel in the mix, so the analysis
    /// reads every channel (`read(maxFrames:appendingTo:)`).
    /// - Returns: the number of frames read; 0 at the end of the file.
    @discardableResult
    public func readMono(maxFrames: Int, appendingTo mono: inout [Float]) throws(TranscribeError) -> Int {
        let channels = channelCount
        interleaved.removeAll(keepingCapacity: true)
        let frames = try read(maxFrames: maxFrames, appendingTo: &interleaved)
        guard frames > 0 else { return 0 }
        let scale = 1 / Float(channels)
        let start = mono.count
        mono.append(contentsOf: repeatElement(0, count: frames))
        interleaved.withUnsafeBufferPointer { samples in
            mono.withUnsafeMutableBufferPointer { output in
                for frame in 0..<frames {
                    var sum: Float = 0
                    for channel in 0..<channels { sum += samples[frame * channels + channel] }
                    output[start + frame] = sum * scale
                }
            }
        }
        return frames
    }

    /// Reads the whole file, mixed down to mono.
    /// - Throws: `.noAudio` when not a single frame could be read.
    public func readAllMono(blockFrames: Int = FrameStream.blockFrames) throws(TranscribeError) -> [Float] {
        var mono: [Float] = []
        // The header may lie (a truncated download claiming hours): reserve for at most a minute up front.
        mono.reserveCapacity(Int(min(declaredFrameCount, Int64(sampleRate * 60))))
        while try readMono(maxFrames: blockFrames, appendingTo: &mono) > 0 {}
        if mono.isEmpty { throw .noAudio(path: path) }
        return mono
    }

    /// libsndfile's name for a container (major) or encoding (subtype) format code.
    private static func formatName(_ handle: OpaquePointer, format: Int32) -> String {
        var info = SF_FORMAT_INFO()
        info.format = format
        let status = sf_command(handle, Int32(SFC_GET_FORMAT_INFO), &info, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
        guard status == 0, let name = info.name else { return "unknown" }
        return String(cString: name)
    }
}
