import Foundation

/// The last resort for finding a finished KKIAI video when none of the documented paths holds one: KKIAI
/// relays several answer families and documents none of them completely, so a succeeded task whose video
/// sits elsewhere would otherwise be paid for and thrown away.
enum KKIAIVideoSearch {
    /// The best video URL anywhere in `json`: an http(s) URL whose path ends in `.mp4`, or one held under a key
    /// named like `video` (`video`, `videos`, `video_url`, `video_raw` ...) that is not an image. An
    /// un-watermarked `.mp4` wins, then any un-watermarked candidate, then a watermarked one. Echoes of what was
    /// asked (`request`, `input`, `params`, `keyframes`, a `source` ...) are skipped: an extend's answer may
    /// quote the clip it continues, and taking that for the result would silently break a chain.
    static func find(in json: JSONValue) -> URL? {
        var candidates: [(url: URL, isMP4: Bool)] = []
        collect(json, underVideoKey: false, into: &candidates)
        func clean(_ url: URL) -> Bool { !url.absoluteString.lowercased().contains("watermark") }
        return candidates.first { $0.isMP4 && clean($0.url) }?.url
            ?? candidates.first { clean($0.url) }?.url
            ?? candidates.first?.url
    }

    private static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "gif"]

    /// Key words naming an echo of the request rather than a result.
    private static let echoWords: Set<String> = [
        "request", "input", "inputs", "param", "params", "parameters", "keyframe", "keyframes", "source", "origin",
        "original", "extend",
    ]

    /// Whether a key such as `request`, `source_video` or `inputVideo` names an echo of the request.
    private static func isEcho(_ key: String) -> Bool {
        var words: [String] = []
        var word = ""
        for ch in key {
            if ch.isUppercase || !(ch.isLetter || ch.isNumber) {
                if !word.isEmpty { words.append(word) }
                word = ch.isLetter || ch.isNumber ? String(ch).lowercased() : ""
            } else {
                word.append(ch)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words.contains { echoWords.contains($0) }
    }

    private static func collect(
        _ value: JSONValue, underVideoKey: Bool, into candidates: inout [(url: URL, isMP4: Bool)]
    ) {
        switch value {
        case .string(let s):
            guard let url = URL(string: s.trimmingCharacters(in: .whitespaces)),
                let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https"
            else { return }
            let ext = url.pathExtension.lowercased()
            if ext == "mp4" {
                candidates.append((url, true))
            } else if underVideoKey && !imageExtensions.contains(ext) {
                candidates.append((url, false))
            }
        case .array(let items):
            for item in items { collect(item, underVideoKey: underVideoKey, into: &candidates) }
        case .object(let members):
            for key in members.keys.sorted() {
                let lowered = key.lowercased()
                if isEcho(key) { continue }
                let isVideoKey = lowered.contains("video") && !lowered.contains("progress")
                collect(members[key]!, underVideoKey: underVideoKey || isVideoKey, into: &candidates)
            }
        default:
            return
        }
    }
}
