import ClipMedia
import Foundation

/// libFuzzer's entry point: each input is a media file's bytes, opened in memory through a custom
/// AVIO context and run through probe, the last frame and the validator (``FuzzHarness``).
///
/// Built by `scripts/fuzz.sh` with `-sanitize=fuzzer,address -DCLIPKIT_FUZZ`, `main` hands over to
/// libFuzzer's driver (SwiftPM names the executable's entry point itself, so libFuzzer's own `main`
/// cannot be used). In the normal `swift build` the same target is a corpus replayer:
/// `clipkit-fuzz FILE|DIR...` runs every file once, which is how a crash found by the fuzzer is
/// reproduced without the sanitizers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    FuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if CLIPKIT_FUZZ
    /// libFuzzer's documented entry for programs that keep their own `main` (pointer arguments
    /// only, so Swift's calling convention passes them as C's does).
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    @main
    enum FuzzDriver {
        static func main() {
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        }
    }
#else
    @main
    enum CorpusReplayer {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard !arguments.isEmpty else {
                FileHandle.standardError.write(Data("usage: clipkit-fuzz FILE|DIR... (replays inputs through the fuzz harness)\n".utf8))
                exit(64)
            }
            var files: [String] = []
            for argument in arguments {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                    FileHandle.standardError.write(Data("\(argument): no such file\n".utf8))
                    exit(1)
                }
                if isDirectory.boolValue {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
                    files += names.sorted().map { argument + "/" + $0 }
                } else {
                    files.append(argument)
                }
            }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                let outcome = FuzzHarness.run([UInt8](data), name: URL(fileURLWithPath: file).lastPathComponent)
                print("\(file): probe \(outcome.probed ? "ok" : "error"), last frame \(outcome.lastFrame ? "ok" : "error"), check \(outcome.verdict)")
            }
        }
    }
#endif
