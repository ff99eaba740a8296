import ArgumentParser
import Foundation

/// How commands talk to the user: results on stdout, one-line errors and warnings on stderr.
enum Output {
    /// The one encoder of every `--json` output: snake_case keys (types that name their keys keep
    /// them; camelCase property names are converted), sorted, pretty, dates in ISO 8601. Outputs never
    /// use dictionaries keyed by data (paths, names), since the key strategy would rewrite those too.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func json<T: Encodable>(_ value: T) throws {
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func warning(_ text: String) {
        FileHandle.standardError.write(Data("clipkit: warning: \(text)\n".utf8))
    }

    static func error(_ text: String) {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("clipkit: error: \(oneLine)\n".utf8))
    }
}

/// A failure already reported to the user: exit with `code` and print nothing more.
struct Failure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning any error into one line on stderr and exit code 1.
    func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            Output.error(String(describing: error))
            throw ExitCode.failure
        }
    }
}

/// Formats numbers for people.
enum Human {
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func seconds(_ value: Double?) -> String {
        guard let value else { return "?" }
        return String(format: "%.3f s", value)
    }

    static func bitRate(_ value: Int64?) -> String {
        guard let value else { return "?" }
        return value >= 1_000_000 ? String(format: "%.2f Mb/s", Double(value) / 1e6) : "\(value / 1000) kb/s"
    }
}
