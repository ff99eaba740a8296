import ClipMedia
import Foundation

/// Decides what one clip is checked against, from (strongest first) command-line overrides, an explicit
/// preset, the clip's sidecar (its preset, or the preset matching its request, or the request itself),
/// and finally the `default` preset.
public struct ExpectationPlanner: Sendable {
    /// Values given on the command line; each replaces what a preset or sidecar says.
    public struct Overrides: Sendable, Hashable {
        public var durationSeconds: Double?
        public var aspect: Ratio?
        public var resolution: ResolutionExpectation?
        public var fps: Double?

        public init(durationSeconds: Double? = nil, aspect: Ratio? = nil, resolution: ResolutionExpectation? = nil, fps: Double? = nil) {
            self.durationSeconds = durationSeconds
            self.aspect = aspect
            self.resolution = resolution
            self.fps = fps
        }
    }

    /// What a clip is checked against and where that came from.
    public struct Plan: Sendable, Hashable {
        public var expectations: ClipExpectations
        /// For people: "preset piapi-ray2-5s (16:9 from sidecar)".
        public var source: String
        /// Things the user should know (an unreadable sidecar, an unknown preset named in one).
        public var warnings: [String]
    }

    public var library: PresetLibrary
    public var preset: Preset?
    public var overrides: Overrides

    public init(library: PresetLibrary, preset: Preset? = nil, overrides: Overrides = Overrides()) {
        self.library = library
        self.preset = preset
        self.overrides = overrides
    }

    /// Ray 2 delivers one frame more than the seconds asked for (121 frames at 24 fps for 5 s).
    static let generatorExtraFrame = 1.0 / 24

    public func plan(for clipPath: String) -> Plan {
        var warnings: [String] = []
        var sidecar: ClipSidecar?
        do {
            sidecar = try ClipSidecar.load(for: clipPath)
        } catch {
            warnings.append("ignoring sidecar \(error)")
        }
        let request = sidecar?.request
        let aspectName = overrides.aspect?.description ?? request?.aspectRatio
        var expectations: ClipExpectations
        var source: String

        var chosen = preset
        var chosenBy = "--preset"
        if chosen == nil, let recorded = sidecar?.expectations {
            // The expectations the clip was checked against when it was made: the request that was sent.
            return finish(
                recorded, source: "sidecar (\(sidecar?.expectationSource ?? "as generated"))", warnings: warnings)
        }
        if chosen == nil, let name = sidecar?.preset, !name.isEmpty {
            do {
                chosen = try library.load(name)
                chosenBy = "sidecar"
            } catch {
                warnings.append("sidecar names \(error)")
            }
        }
        if chosen == nil, let request, let matched = library.matching(request) {
            chosen = matched
            chosenBy = "sidecar request"
        }
        if let chosen {
            expectations = chosen.expectations(aspectRatio: aspectName)
            source = "preset \(chosen.name) (\(chosenBy)\(aspectName.map { ", \($0)" } ?? ""))"
        } else if let request, request.durationSeconds != nil || request.aspectRatio != nil || request.resolution != nil {
            expectations = (try? library.load("default").expect) ?? .none
            if let seconds = request.durationSeconds {
                expectations.duration = DurationExpectation(seconds: seconds + Self.generatorExtraFrame)
            }
            if let ratio = request.aspectRatio.flatMap(Ratio.init(parsing:)) { expectations.aspect = AspectExpectation([ratio]) }
            if let resolution = request.resolution.flatMap({ ResolutionExpectation(parsing: $0) }) {
                expectations.resolution = resolution
            }
            source = "sidecar request"
        } else {
            expectations = (try? library.load("default").expect) ?? .none
            source = "default"
        }

        return finish(expectations, source: source, warnings: warnings)
    }

    /// Applies the command-line overrides.
    private func finish(_ expectations: ClipExpectations, source: String, warnings: [String]) -> Plan {
        var expectations = expectations
        var source = source
        if let seconds = overrides.durationSeconds {
            expectations.duration = DurationExpectation(
                seconds: seconds, toleranceSeconds: expectations.duration?.toleranceSeconds ?? 0.1)
            source += ", --expect-duration"
        }
        if let ratio = overrides.aspect {
            expectations.aspect = AspectExpectation([ratio], tolerance: expectations.aspect?.tolerance ?? 0.03)
            source += ", --expect-aspect"
        }
        if let resolution = overrides.resolution {
            expectations.resolution = resolution
            source += ", --expect-resolution"
        }
        if let fps = overrides.fps {
            expectations.fps = FrameRateExpectation(fps: fps)
            source += ", --expect-fps"
        }
        return Plan(expectations: expectations, source: source, warnings: warnings)
    }
}
