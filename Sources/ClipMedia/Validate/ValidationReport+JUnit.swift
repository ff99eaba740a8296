/// JUnit XML for CI systems: one test suite per clip, one test case per check.
///
/// A failed check is a `<failure>`; a warning passes but carries its message in `<system-out>`, as
/// does the list of black and frozen stretches.
public enum JUnitReport {
    public static func xml(for reports: [ValidationReport], name: String = "clipkit check") -> String {
        let tests = reports.reduce(0) { $0 + $1.checks.count }
        let failures = reports.reduce(0) { $0 + $1.checks.filter { $0.status == .fail }.count }
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="\#(escape(name))" tests="\#(tests)" failures="\#(failures)" errors="0">"#,
        ]
        for report in reports {
            let failed = report.checks.filter { $0.status == .fail }.count
            lines.append(
                #"  <testsuite name="\#(escape(report.path))" tests="\#(report.checks.count)" failures="\#(failed)" errors="0" skipped="0">"#)
            for check in report.checks {
                let open = #"    <testcase classname="\#(escape(report.path))" name="\#(check.name.rawValue)""#
                let detail = "expected: \(check.expected ?? "-"); actual: \(check.actual ?? "-")"
                switch check.status {
                case .pass:
                    lines.append(open + "/>")
                case .warn:
                    lines.append(open + ">")
                    lines.append("      <system-out>warning: \(escape(check.message)) (\(escape(detail)))</system-out>")
                    lines.append("    </testcase>")
                case .fail:
                    lines.append(open + ">")
                    lines.append(#"      <failure message="\#(escape(check.message))" type="\#(check.name.rawValue)">\#(escape(detail))</failure>"#)
                    lines.append("    </testcase>")
                }
            }
            var notes: [String] = []
            if !report.blackSegments.isEmpty { notes.append("black: " + segments(report.blackSegments)) }
            if !report.frozenSegments.isEmpty { notes.append("frozen: " + segments(report.frozenSegments)) }
            if !notes.isEmpty { lines.append("    <system-out>\(escape(notes.joined(separator: "; ")))</system-out>") }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func segments(_ list: [TimeSegment]) -> String {
        list.map { "\(Format.time($0.start))–\(Format.time($0.end))" }.joined(separator: ", ")
    }

    /// Escapes text for an XML attribute or element, dropping characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
