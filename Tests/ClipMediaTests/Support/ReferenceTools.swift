import ClipTestSupport
import Foundation

/// The ffmpeg/ffprobe command-line tools, used by tests as an oracle (never by the product).
enum ReferenceTools {
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/ffprobe")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg")
    }

    /// Runs a tool and returns its standard output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        try ChildProcess.runBlocking("/usr/bin/\(tool)", arguments).stdout
    }

    /// The lines `ffmpeg -v error` prints while decoding the whole video stream: its errors.
    static func decodingErrorLines(_ path: String) throws -> [String] {
        let run = try ChildProcess.runBlocking(
            "/usr/bin/ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-map", "0:v:0", "-f", "null", "-"])
        return run.stderr.split(separator: "\n").map(String.init)
    }

    /// ffprobe's count of packets (= frames) in the first video stream.
    static func packetCount(_ path: String) throws -> Int {
        let out = try run(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", path])
        return Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// The last frame of a full ffmpeg decode, converted to RGB24 with the BT.709 limited-range matrix
    /// and accurate rounding, written as PNG (the ffmpeg CLI applies the display rotation itself).
    static func lastFrame(_ path: String, to output: String, matrix: String = "bt709") throws {
        try run(
            "ffmpeg", [
                "-v", "error", "-y", "-i", path, "-vf",
                "scale=in_color_matrix=\(matrix):in_range=tv:out_range=pc:flags=bicubic+accurate_rnd+full_chroma_int+full_chroma_inp,format=rgb24",
                "-update", "1", output,
            ])
    }
}
