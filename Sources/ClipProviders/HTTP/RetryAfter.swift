import Foundation

/// Parses the HTTP `Retry-After` header: delay-seconds or an HTTP date.
public enum RetryAfter {
    /// The delay the header asks for, or `nil` when absent or unreadable. A date in the past gives zero.
    /// - Parameters:
    ///   - value: the header value, e.g. `"120"` or `"Wed, 21 Oct 2026 07:28:00 GMT"`.
    ///   - now: the current wall-clock date.
    public static func parse(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds.isFinite {
            return .milliseconds(Int64(max(0, seconds) * 1000))
        }
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: value) {
                let seconds = max(0, date.timeIntervalSince(now))
                return .milliseconds(Int64(seconds * 1000))
            }
        }
        return nil
    }

    /// IMF-fixdate, then the obsolete RFC 850 and asctime forms (RFC 9110 §5.6.7).
    private static let formats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",
        "EEEE, dd-MMM-yy HH:mm:ss zzz",
        "EEE MMM d HH:mm:ss yyyy",
    ]
}
