/// Everything that can go wrong reading or writing a Standard MIDI File.
///
/// `description` is one line, starting with the file it concerns.
public enum MIDIError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read from disk at all.
    case cannotRead(path: String, reason: String)
    /// The bytes are not a well-formed Standard MIDI File.
    case malformed(path: String, reason: String)
    /// A well-formed file of a kind SoundSort does not read (format 2, SMPTE time division).
    case unsupported(path: String, reason: String)
    /// libsmf refused the file; `message` is what it said.
    case library(path: String, message: String)
    /// The file could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason): "\(path): cannot read: \(reason)"
        case let .malformed(path, reason): "\(path): not a valid MIDI file: \(reason)"
        case let .unsupported(path, reason): "\(path): unsupported MIDI file: \(reason)"
        case let .library(path, message): "\(path): libsmf: \(message)"
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        }
    }
}
