import ArgumentParser
import Foundation

/// `clipkit manual`: the man page (roff, section 1), generated from the same argument definitions
/// as `--help` and the completion scripts (argument-parser's `--experimental-dump-help` tree).
struct Manual: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print clipkit's man page (roff) to standard output.",
        shouldDisplay: false)

    func run() throws {
        guard let data = ClipKit._dumpHelp().data(using: .utf8),
            let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let command = root["command"] as? [String: Any]
        else {
            throw Failure(message: "cannot read the command tree")
        }
        Output.line(Self.page(command))
    }

    /// The whole page for the root command and every visible subcommand.
    static func page(_ root: [String: Any]) -> String {
        let name = root["commandName"] as? String ?? "clipkit"
        var out = [".TH \(name.uppercased()) 1 \"\" \"ClipKit \(ClipKit.version)\" \"User Commands\""]
        out.append(".SH NAME")
        out.append("\(name) \\- \(escape(root["abstract"] as? String ?? ""))")
        out.append(".SH SYNOPSIS")
        out.append(".B \(name)\n.I subcommand\n[options]")
        if let discussion = root["discussion"] as? String, !discussion.isEmpty {
            out.append(".SH DESCRIPTION")
            out.append(escape(discussion))
        }
        out.append(".SH OPTIONS")
        out += arguments(root)
        out.append(".SH COMMANDS")
        for sub in (root["subcommands"] as? [[String: Any]]) ?? [] where sub["shouldDisplay"] as? Bool ?? true {
            out += command(sub, path: [name])
        }
        out.append(".SH SEE ALSO")
        out.append("ffprobe(1), ffmpeg(1)")
        return out.joined(separator: "\n")
    }

    private static func command(_ info: [String: Any], path: [String]) -> [String] {
        let name = info["commandName"] as? String ?? "?"
        let full = path + [name]
        var out = [".SS \(full.joined(separator: " "))"]
        let synopsis = visible(info, root: false).map(synopsisItem).joined(separator: " ")
        out.append(".B \(full.joined(separator: " "))\n\(synopsis)")
        out.append(".br")
        if let abstract = info["abstract"] as? String { out.append(escape(abstract)) }
        if let discussion = info["discussion"] as? String, !discussion.isEmpty { out.append(".PP\n" + escape(discussion)) }
        out += self.arguments(info, root: false)
        for sub in (info["subcommands"] as? [[String: Any]]) ?? [] where sub["shouldDisplay"] as? Bool ?? true {
            out += command(sub, path: full)
        }
        return out
    }

    /// The arguments shown for a command; `--help` and `--version` only once, under the root.
    private static func visible(_ info: [String: Any], root: Bool) -> [[String: Any]] {
        ((info["arguments"] as? [[String: Any]]) ?? []).filter { argument in
            guard argument["shouldDisplay"] as? Bool ?? true else { return false }
            let names = ((argument["names"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            return root || !(names.contains("help") || names.contains("version"))
        }
    }

    private static func arguments(_ info: [String: Any], root: Bool = true) -> [String] {
        var out: [String] = []
        for argument in visible(info, root: root) {
            out.append(".TP")
            out.append(synopsisItem(argument, bare: true))
            var text = argument["abstract"] as? String ?? ""
            if let value = argument["defaultValue"] as? String, !value.isEmpty { text += " (default: \(value))" }
            out.append(escape(text))
        }
        return out
    }

    private static func synopsisItem(_ argument: [String: Any]) -> String { synopsisItem(argument, bare: false) }

    /// `\fB--count\fR \fIcount\fR` for options, `\fB--json\fR` for flags, `\fIfile\fR` for positionals.
    private static func synopsisItem(_ argument: [String: Any], bare: Bool) -> String {
        let kind = argument["kind"] as? String ?? "option"
        let value = escape(argument["valueName"] as? String ?? "value")
        let names = ((argument["names"] as? [[String: Any]]) ?? []).compactMap { name -> String? in
            guard let text = name["name"] as? String else { return nil }
            return (name["kind"] as? String == "short" ? "-" : "--") + text
        }
        var text: String
        switch kind {
        case "positional": text = "\\fI\(value)\\fR"
        case "flag": text = names.map { "\\fB\(escape($0))\\fR" }.joined(separator: ", ")
        default: text = names.map { "\\fB\(escape($0))\\fR" }.joined(separator: ", ") + " \\fI\(value)\\fR"
        }
        if argument["isRepeating"] as? Bool ?? false { text += " ..." }
        if !bare, argument["isOptional"] as? Bool ?? false { text = "[\(text)]" }
        return text
    }

    /// Text safe in roff: backslashes doubled, hyphens escaped, no line starting with a dot or quote.
    static func escape(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "-", with: "\\-")
        return escaped.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
        }.joined(separator: "\n")
    }
}
