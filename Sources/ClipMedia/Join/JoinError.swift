/// Why clips cannot be joined, in one line that names the clip and what differs.
public struct JoinError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Reason: Hashable, Sendable {
        case noInputs
        case outputIsInput(String)
        case sizeMismatch(path: String, size: String, expected: String)
        case frameRateMismatch(path: String, fps: String, expected: String)
        case rotationMismatch(path: String, rotation: Int, expected: Int)
        case crossfadeTooLong(path: String, frames: Int, overlap: Int)
        case crossfadeTooShort(seconds: Double)
        case invalidOption(String)
    }

    private let reason: Reason

    /// The clip the error is about, when there is one.
    public var path: String? {
        switch reason {
        case .sizeMismatch(let path, _, _), .frameRateMismatch(let path, _, _), .rotationMismatch(let path, _, _),
            .crossfadeTooLong(let path, _, _), .outputIsInput(let path):
            path
        default: nil
        }
    }

    public var description: String {
        switch reason {
        case .noInputs: "join needs at least one input clip"
        case .outputIsInput(let path): "\(path): the output would overwrite an input"
        case .sizeMismatch(let path, let size, let expected):
            "\(path): size \(size) differs from the first clip's \(expected); pass --scale to scale it"
        case .frameRateMismatch(let path, let fps, let expected):
            "\(path): frame rate \(fps) fps differs from the first clip's \(expected) fps"
        case .rotationMismatch(let path, let rotation, let expected):
            "\(path): rotation \(rotation)° differs from the first clip's \(expected)°"
        case .crossfadeTooLong(let path, let frames, let overlap):
            "\(path): \(frames) frames are too few for a crossfade of \(overlap) frames"
        case .crossfadeTooShort(let seconds): "a crossfade of \(seconds) s is shorter than one frame"
        case .invalidOption(let text): text
        }
    }

    static func noInputs() -> Self { .init(reason: .noInputs) }
    static func outputIsInput(_ path: String) -> Self { .init(reason: .outputIsInput(path)) }
    static func sizeMismatch(_ path: String, _ size: String, expected: String) -> Self {
        .init(reason: .sizeMismatch(path: path, size: size, expected: expected))
    }
    static func frameRateMismatch(_ path: String, _ fps: String, expected: String) -> Self {
        .init(reason: .frameRateMismatch(path: path, fps: fps, expected: expected))
    }
    static func rotationMismatch(_ path: String, _ rotation: Int, expected: Int) -> Self {
        .init(reason: .rotationMismatch(path: path, rotation: rotation, expected: expected))
    }
    static func crossfadeTooLong(_ path: String, frames: Int, overlap: Int) -> Self {
        .init(reason: .crossfadeTooLong(path: path, frames: frames, overlap: overlap))
    }
    static func crossfadeTooShort(_ seconds: Double) -> Self { .init(reason: .crossfadeTooShort(seconds: seconds)) }
    static func invalidOption(_ text: String) -> Self { .init(reason: .invalidOption(text)) }
}
