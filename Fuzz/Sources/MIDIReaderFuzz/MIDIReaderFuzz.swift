import FuzzDriver
import MIDIIO

/// What libFuzzer calls with each input: any bytes must give notes or a `MIDIError`, never a crash, hang or leak.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzMIDIReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    do {
        let file = try MIDIFile(bytes: bytes, path: "fuzz.mid")
        for note in file.notes.notes where !(note.onset.isFinite && note.offset >= note.onset) {
            fatalError("inconsistent note \(note)")
        }
    } catch {
        _ = error.description
    }
    return 0
}

/// SwiftPM links an executable's entry point under this name; it hands control to libFuzzer's driver.
@_cdecl("MIDIReaderFuzz_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzMIDIReader(data, size) }
}
