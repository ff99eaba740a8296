/// Each clip's colour measurement for ``ColorMatchMode/first``, made once and shared by the join
/// (``ClipJoiner/join(inputs:output:options:colors:)``) and the seam report
/// (``SeamAnalyzer/analyze(clips:colorMatch:colors:)``), which would otherwise each decode every clip for it.
///
/// ```swift
/// let colors = try ColorMeasurements.measure(clips: files)
/// let joined = try ClipJoiner.join(inputs: files, output: out, options: options, colors: colors)
/// let report = try SeamAnalyzer().analyze(clips: files, colorMatch: .first, colors: colors)
/// ```
public struct ColorMeasurements: Sendable {
    /// The clips measured, in order: a join or report of other clips measures its own.
    let paths: [String]
    let clips: [ColorSampler.Measurement]
    let fullRange: [Bool]

    /// Measures `clips` (their reference frames, every second row and column), as the join would.
    /// - Throws: ``MediaError`` when a clip cannot be read.
    public static func measure(clips paths: [String]) throws -> ColorMeasurements {
        let inputs = try paths.map { try JoinInput(path: $0) }
        return ColorMeasurements(
            paths: paths, clips: try inputs.map { try ColorSampler.measure($0) }, fullRange: inputs.map(ColorSampler.isFullRange))
    }

    /// These measurements, when they are of `paths`.
    func of(_ paths: [String]) -> ColorMeasurements? { self.paths == paths ? self : nil }

    /// The correction of each continuation towards the first clip (``ColorCorrection``).
    var corrections: [ColorCorrection?] { ColorCorrection.ramps(clips, fullRange: fullRange) }
}
