/// Picks a clip's poster among scored frames: the most representative good frame of the clip's
/// first part, never a black one unless the whole clip is black.
///
/// Only the three best-scoring frames of the first part (and the best frame after it, as a fallback)
/// are kept as decoded frames; every frame's luma histogram is kept, so the winner is the kept frame
/// whose score, weighted by how close its histogram is to the first part's average, is highest (the
/// idea of ffmpeg's `thumbnail` filter, applied to frames already known to be bright and sharp).
struct PosterChooser {
    struct Candidate {
        var frame: Frame
        var quality: FrameQuality
        var seconds: Double
    }

    /// Frames shown before this time (seconds) belong to the first part.
    let searchEnd: Double
    private var early: [Candidate] = []
    private var earlyHistograms: [[Double]] = []
    private var late: Candidate?
    private static let kept = 3

    init(searchEnd: Double) {
        self.searchEnd = searchEnd
    }

    mutating func consider(_ frame: Frame, quality: FrameQuality, seconds: Double) throws {
        let isEarly = seconds <= searchEnd || early.isEmpty && late == nil && searchEnd <= 0
        if isEarly {
            if !quality.isBlack { earlyHistograms.append(quality.histogram) }
            let weakest = early.indices.min { early[$0].quality.score < early[$1].quality.score }
            if early.count < Self.kept {
                early.append(Candidate(frame: try frame.reference(), quality: quality, seconds: seconds))
            } else if let weakest, quality.score > early[weakest].quality.score {
                early[weakest] = Candidate(frame: try frame.reference(), quality: quality, seconds: seconds)
            }
        } else if late == nil || quality.score > late!.quality.score {
            late = Candidate(frame: try frame.reference(), quality: quality, seconds: seconds)
        }
    }

    /// The poster frame, or nil when no frame was considered.
    func best() -> Candidate? {
        let good = early.filter { !$0.quality.isBlack }
        if !good.isEmpty {
            let average = Self.average(earlyHistograms)
            return good.max { representative($0, average) < representative($1, average) }
        }
        if let late, !late.quality.isBlack { return late }
        return early.min { $0.seconds < $1.seconds } ?? late
    }

    private func representative(_ candidate: Candidate, _ average: [Double]) -> Double {
        candidate.quality.score * (1 - 0.5 * candidate.quality.histogramDistance(to: average))
    }

    private static func average(_ histograms: [[Double]]) -> [Double] {
        guard let first = histograms.first else { return [] }
        var sum = [Double](repeating: 0, count: first.count)
        for histogram in histograms {
            for (i, value) in histogram.enumerated() where i < sum.count { sum[i] += value }
        }
        return sum.map { $0 / Double(histograms.count) }
    }
}

@available(*, unavailable)
extension PosterChooser: Sendable {}
