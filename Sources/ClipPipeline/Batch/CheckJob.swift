import ClipMedia
import Foundation

/// A batch line of kind `check`: validate one clip, as `clipkit check` does (preset, sidecar, seams).
/// `{"id": "q1", "kind": "check", "path": "/clips/a.mp4", "preset": "ray2-5s", "expect_duration": 5}`
public struct CheckJob: Sendable, Decodable, Hashable {
    public var path: String
    public var preset: String?
    public var expectDuration: Double?
    public var expectAspect: String?
    public var expectResolution: String?
    public var expectFPS: Double?

    enum CodingKeys: String, CodingKey {
        case path, preset
        case expectDuration = "expect_duration"
        case expectAspect = "expect_aspect"
        case expectResolution = "expect_resolution"
        case expectFPS = "expect_fps"
    }

    /// Decodes the job from its batch line (JSON text).
    public init(spec: String) throws {
        self = try JSONDecoder().decode(CheckJob.self, from: Data(spec.utf8))
    }

    /// Validates the clip off the cooperative pool (decoding blocks) and returns the report.
    public func run(library: PresetLibrary = .standard()) async throws -> ValidationReport {
        let chosen = try preset.map { try library.load($0) }
        let overrides = ExpectationPlanner.Overrides(
            durationSeconds: expectDuration, aspect: expectAspect.flatMap(Ratio.init(parsing:)),
            resolution: expectResolution.flatMap { ResolutionExpectation(parsing: $0) }, fps: expectFPS)
        let plan = ExpectationPlanner(library: library, preset: chosen, overrides: overrides).plan(for: path)
        let validator = ClipValidator(expectations: plan.expectations, threads: 1)
        let path = self.path
        return await MediaWork.perform { SeamCheck.adding(to: validator.validate(path: path)) }
    }
}
