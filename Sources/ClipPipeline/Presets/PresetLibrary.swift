import ClipMedia
import Foundation

/// Finds and loads presets: a path to a JSON file, or a name looked up in a list of directories.
///
/// ``standard(environment:currentDirectory:executablePath:)`` searches, in order, every directory in
/// `$CLIPKIT_PRESETS` (colon-separated), `./presets`, and the first `presets/` (a checkout: the binary
/// lives in `.build/<config>/` inside the repository) or `share/clipkit/presets/` (an installed
/// layout: `PREFIX/bin/clipkit` beside `PREFIX/share/clipkit/presets`, as scripts/install.sh makes it)
/// found walking up from the executable's directory.
public struct PresetLibrary: Sendable {
    /// Directories searched for `NAME.json`, first match wins.
    public var directories: [String]

    public init(directories: [String]) {
        self.directories = directories
    }

    public static func standard(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = Bundle.main.executablePath
    ) -> PresetLibrary {
        var directories: [String] = []
        if let list = environment["CLIPKIT_PRESETS"] {
            directories += list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        directories.append(URL(fileURLWithPath: currentDirectory).appendingPathComponent("presets").path)
        if let executablePath {
            var directory = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            while directory.path != "/" {
                let candidates = [
                    directory.appendingPathComponent("presets"), directory.appendingPathComponent("share/clipkit/presets"),
                ]
                if let found = candidates.first(where: { isDirectory($0.path) }) {
                    directories.append(found.path)
                    break
                }
                directory.deleteLastPathComponent()
            }
        }
        var seen: Set<String> = []
        return PresetLibrary(directories: directories.filter { seen.insert(URL(fileURLWithPath: $0).standardized.path).inserted })
    }

    /// Loads `nameOrPath`: a file when it names one (or ends in `.json`), else `NAME.json` in the directories.
    /// - Throws: ``PresetError`` saying where it looked and which names exist, or why the file is invalid.
    public func load(_ nameOrPath: String) throws(PresetError) -> Preset {
        let looksLikePath = nameOrPath.hasSuffix(".json") || nameOrPath.contains("/")
        if looksLikePath || FileManager.default.fileExists(atPath: nameOrPath) && !Self.isDirectory(nameOrPath) {
            guard FileManager.default.fileExists(atPath: nameOrPath) else {
                throw PresetError(.notFound(name: nameOrPath, searched: [], available: availableNames()))
            }
            return try Self.read(path: nameOrPath)
        }
        for directory in directories {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(nameOrPath + ".json").path
            if FileManager.default.fileExists(atPath: path) { return try Self.read(path: path) }
        }
        throw PresetError(.notFound(name: nameOrPath, searched: directories, available: availableNames()))
    }

    /// Every preset name in the directories, sorted.
    public func availableNames() -> [String] {
        var names: Set<String> = []
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files where file.hasSuffix(".json") { names.insert(String(file.dropLast(5))) }
        }
        return names.sorted()
    }

    /// Every preset that loads, by name (the first directory wins); invalid files are skipped.
    public func all() -> [Preset] {
        availableNames().compactMap { try? load($0) }
    }

    /// The one preset made for exactly this request: the same provider, model, resolution (both unset
    /// where the provider takes none) and duration, and an aspect ratio the preset covers. Nil when none
    /// or several match: no wildcard, no alphabetical luck.
    public func matching(_ request: ClipSidecar.Request) -> Preset? {
        guard let provider = request.provider?.lowercased(), let aspect = request.aspectRatio,
            let seconds = request.durationSeconds
        else { return nil }
        let matches = all().filter { preset in
            guard let p = preset.request, p.provider.lowercased() == provider,
                p.covers(model: request.model),
                p.resolution?.lowercased() == request.resolution?.lowercased(),
                let presetSeconds = p.durationSeconds, abs(presetSeconds - seconds) < 0.01
            else { return false }
            let offered = preset.aspectRatios.isEmpty ? [p.aspectRatio].compactMap { $0 } : preset.aspectRatios
            return offered.contains(aspect)
        }
        return matches.count == 1 ? matches[0] : nil
    }

    static func read(path: String) throws(PresetError) -> Preset {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PresetError(.invalid(path: path, reason: "cannot read: \(error.localizedDescription)"))
        }
        do {
            return try JSONDecoder().decode(Preset.self, from: data)
        } catch let error as DecodingError {
            throw PresetError(.invalid(path: path, reason: Self.describe(error)))
        } catch {
            throw PresetError(.invalid(path: path, reason: "\(error)"))
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// One line naming the key path and the problem.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : "at \(keys): "
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context))missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context))\(context.debugDescription)"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "\(path(context))\(underlying ?? context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// Why a preset could not be loaded, in one line.
public struct PresetError: Error, Sendable, CustomStringConvertible {
    enum Reason: Sendable {
        case notFound(name: String, searched: [String], available: [String])
        case invalid(path: String, reason: String)
    }

    let reason: Reason

    init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .notFound(let name, let searched, let available):
            let looked = searched.isEmpty ? "no such file" : "looked in \(searched.joined(separator: ", "))"
            let names = available.isEmpty ? "no presets found" : "available: \(available.joined(separator: ", "))"
            return "preset '\(name)' not found (\(looked)); \(names)"
        case .invalid(let path, let reason):
            return "preset \(path) is invalid: \(reason)"
        }
    }
}
