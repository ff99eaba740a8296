import ClipPipeline
import Foundation

/// The repository's presets/ directory, found from this file's path.
enum RepositoryPresets {
    static let directory: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("presets").path

    static var library: PresetLibrary { PresetLibrary(directories: [directory]) }
}
