import ClipMedia
import Foundation

/// The `seams` check of a joined chain: the chain's sidecar says where each continuation begins
/// (`seam_frames`), and the frames on both sides of each seam must not jump (luma PSNR between them).
///
/// With `--seam drop` the two frames are neighbours in time, so their PSNR is that of ordinary motion
/// (well above 20 dB); a continuation that did not start where the previous clip ended falls far below.
public enum SeamCheck {
    public static let warnBelow = 20.0
    public static let failBelow = 14.0

    /// The seam frames recorded beside `clip`, if it is a joined chain.
    public static func seamFrames(for clip: String) -> [Int]? {
        let path = ClipSidecar.path(for: clip)
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let frames = object["seam_frames"] as? [Int], !frames.isEmpty
        else { return nil }
        return frames
    }

    /// `report` with a `seams` check added when the clip is a joined chain.
    public static func adding(to report: ValidationReport) -> ValidationReport {
        guard let frames = seamFrames(for: report.path), report[.readable]?.status != .fail else { return report }
        let result: CheckResult
        do {
            let scores = try SeamAnalyzer().analyze(joined: report.path, seamFrames: frames).seams
            let worst = scores.min { $0.psnr < $1.psnr }
            let psnr = worst?.psnr ?? 100
            let status: CheckStatus = psnr < failBelow ? .fail : psnr < warnBelow ? .warn : .pass
            let at = worst.flatMap { $0.frame }.map { " at frame \($0)" } ?? ""
            result = CheckResult(
                .seams, status, expected: String(format: "PSNR >= %.0f dB", warnBelow), actual: String(format: "%.1f dB", psnr),
                status == .pass ? "\(frames.count) seam(s), none jumps" : String(format: "a seam jumps%@ (%.1f dB between its two frames)", at, psnr))
        } catch {
            result = CheckResult(.seams, .warn, expected: nil, actual: nil, "cannot analyse the seams: \(error)")
        }
        return ValidationReport(
            path: report.path, checks: report.checks + [result], blackSegments: report.blackSegments,
            frozenSegments: report.frozenSegments)
    }
}
