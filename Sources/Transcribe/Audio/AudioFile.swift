internal import CSndFile
import Foundation

/// An audio file opened for reading through libsndfile: every format it reads (WAV, AIFF, FLAC, OGG/Vorbis, Opus, MP3…).
///
/// Owns the libsndfile handle and closes it in `deinit`. Reads in blocks, mixed down to mono;
/// samples that are not finite (NaN or infinity in a float file) are read as the channel's previous sample.
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
    private var interleaved: [Float] = []
    /// Last finite sample of each channel, standing in for samples that are not finite.
    private var lastFinite: [Float] = []
    /// Samples that were NaN or infinite and were read as the channel's previous sample.
    public private(set) var nonFiniteSampleCount = 0

    /// Opens `path` for reading.
    /// - Throws: `TranscribeError.cannotOpen` with libsndfile's own message; `.noAudio` for a file of zero frames
    ///   or an absurd sample rate or channel count.
    public init(path: String) throws(TranscribeError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotOpen(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw .cannotOpen(path: path, reason: "is a directory") }
        if (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0 {
            throw .cannotOpen(path: path, reason: "the file is empty")
        }
        var info = SF_INFO()
        guard let handle = QuietStandardError.run({ sf_open(path, Int32(SFM_READ), &info) }) else {
            throw .cannotOpen(path: path, reason: String(cString: sf_strerror(nil)))
        }
        self.handle = handle
        self.path = path
        sampleRate = Double(info.samplerate)
        channelCount = Int(info.channels)
        declaredFrameCount = Int64(info.frames)
        containerName = Self.formatName(handle, format: info.format & Int32(SF_FORMAT_TYPEMASK))
        encodingName = Self.formatName(handle, format: info.format & Int32(SF_FORMAT_SUBMASK))
        guard channelCount >= 1, channelCount <= 1024, sampleRate >= 1000, sampleRate <= 1_000_000 else {
            throw .cannotOpen(path: path, reason: "unusable header (\(channelCount) channels at \(Int(sampleRate)) Hz)")
        }
        if declaredFrameCount <= 0 { throw .noAudio(path: path) }
    }

    deinit { sf_close(handle) }

    /// Length the header announces, in seconds.
    public var declaredDuration: Double { Double(declaredFrameCount) / sampleRate }

    /// Reads up to `maxFrames` frames, mixed down to mono, appending them to `mono`.
    /// - Returns: the number of frames read; 0 at the end of the file.
    @discardableResult
    public func readMono(maxFrames: Int, appendingTo mono: inout [Float]) throws(TranscribeError) -> Int {
        let channels = channelCount
        let wanted = maxFrames * channels
        if interleaved.count < wanted { interleaved = [Float](repeating: 0, count: wanted) }
        let got = interleaved.withUnsafeMutableBufferPointer { buffer in
            QuietStandardError.run { sf_readf_float(handle, buffer.baseAddress, sf_count_t(maxFrames)) }
        }
        let status = sf_error(handle)
        if status != 0 && got == 0 {
            throw .cannotRead(path: path, reason: String(cString: sf_strerror(handle)))
        }
        let frames = Int(got)
        guard frames > 0 else { return 0 }
        let scale = 1 / Float(channels)
        var nonFinite = 0
        if lastFinite.count != channels { lastFinite = [Float](repeating: 0, count: channels) }
        let start = mono.count
        mono.append(contentsOf: repeatElement(0, count: frames))
        interleaved.withUnsafeBufferPointer { samples in
            lastFinite.withUnsafeMutableBufferPointer { last in
                mono.withUnsafeMutableBufferPointer { output in
                    for frame in 0..<frames {
                        var sum: Float = 0
                        let base = frame * channels
                        for channel in 0..<channels {
                            let sample = samples[base + channel]
                            if sample.isFinite {
                                sum += sample
                                last[channel] = sample
                            } else {
                                sum += last[channel]
                                nonFinite += 1
                            }
                        }
                        output[start + frame] = sum * scale
                    }
                }
            }
        }
        nonFiniteSampleCount += nonFinite
        return frames
    }

    /// Reads the whole file, mixed down to mono.
    /// - Throws: `.noAudio` when not a single frame could be read.
    public func readAllMono(blockFrames: Int = 65_536) throws(TranscribeError) -> [Float] {
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
