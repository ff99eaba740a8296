import ClipMedia
import ClipTestSupport
import Foundation

/// What `ffmpeg -vf blackdetect,freezedetect` reports on a clip: the oracle for segment times.
struct DetectionOracle {
    var black: [TimeSegment] = []
    /// Freeze stretches; a stretch still frozen at the end of the file has no end in ffmpeg's log (nil).
    var frozen: [(start: Double, end: Double?)] = []

    /// Runs the ffmpeg CLI with the thresholds of `expectations` and parses its log.
    static func run(_ path: String, black: BlackDetection = BlackDetection(), frozen: FreezeDetection = FreezeDetection()) throws -> DetectionOracle {
        let filter =
            "blackdetect=d=\(black.minimumDuration):pic_th=\(black.pictureThreshold):pix_th=\(black.pixelThreshold),"
            + "freezedetect=n=\(frozen.noise):d=\(frozen.minimumDuration)"
        let run = try ChildProcess.runBlocking(
            "/usr/bin/ffmpeg", ["-hide_banner", "-nostats", "-nostdin", "-v", "info", "-i", path, "-vf", filter, "-an", "-f", "null", "-"])
        return parse(run.stderr)
    }

    static func parse(_ log: String) -> DetectionOracle {
        var oracle = DetectionOracle()
        for line in log.split(separator: "\n") {
            if line.contains("black_start:") {
                let start = value(after: "black_start:", in: line)
                let end = value(after: "black_end:", in: line)
                if let start, let end { oracle.black.append(TimeSegment(start: start, end: end)) }
            } else if line.contains("freezedetect.freeze_start:"), let start = value(after: "freeze_start:", in: line) {
                oracle.frozen.append((start, nil))
            } else if line.contains("freezedetect.freeze_end:"), let end = value(after: "freeze_end:", in: line),
                !oracle.frozen.isEmpty
            {
                oracle.frozen[oracle.frozen.count - 1].end = end
            }
        }
        return oracle
    }

    private static func value(after key: String, in line: Substring) -> Double? {
        guard let range = line.range(of: key) else { return nil }
        let rest = line[range.upperBound...].drop { $0 == " " }
        return Double(rest.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" })
    }
}
