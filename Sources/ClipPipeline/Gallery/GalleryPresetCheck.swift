import ClipMedia
import Foundation

/// The gallery's verdict for clips without a sidecar verdict: ``ClipValidator`` against the preset
/// given (`--preset`), else what the clip's sidecar names, else the `default` preset, as `clipkit
/// check` decides (``ExpectationPlanner``).
///
/// The validator must decode every frame to count them and to measure black and frozen stretches;
/// the gallery takes its pictures from that same pass (``sharedPass(for:)``), so a checked clip is
/// decoded once.
public struct GalleryPresetCheck: GalleryQualityCheck {
    public var planner: ExpectationPlanner
    /// Decoder threads per clip (0: the validator's automatic choice).
    public var threads: Int

    public init(library: PresetLibrary = .standard(), preset: Preset? = nil, threads: Int = 0) {
        planner = ExpectationPlanner(library: library, preset: preset)
        self.threads = threads
    }

    public func check(path: String, info: MediaInfo) throws -> GalleryQA {
        let plan = planner.plan(for: path)
        let report = ClipValidator(expectations: plan.expectations, threads: threads).validate(path: path)
        return GalleryQA(report: report, basis: plan.source)
    }

    public func sharedPass(for path: String) -> GallerySharedCheck? {
        let plan = planner.plan(for: path)
        return GallerySharedCheck(expectations: plan.expectations, basis: plan.source, threads: threads)
    }
}

extension GalleryQA {
    /// The verdict of a validation report; the findings are the checks that did not pass.
    public init(report: ValidationReport, basis: String?) {
        self.init(
            verdict: Verdict(rawValue: report.verdict.rawValue) ?? .fail, source: .check,
            findings: report.checks.filter { $0.status != .pass }.map {
                Finding(name: $0.name.rawValue, status: $0.status.rawValue, message: $0.message)
            },
            basis: basis)
    }
}
