import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// `join` carries audio: cut at the video's seams, continuous and as long as the video; stream-copied when
/// the clips' audio parameters match, else one AAC stream with silence for clips without audio. ffprobe and
/// ffmpeg are the oracles.
@Suite(.enabled(if: ReferenceTools.available, "needs the ffmpeg CLI as an oracle"))
struct JoinAudioTests {
    static let rate = 48_000
    /// One AAC frame, the tolerance between audio and video durations.
    static let aacFrame = 1024.0 / 48_000

    /// Clips of the chain fixture, with the 440 Hz tone where `withAudio[k]`.
    static func clips(_ withAudio: [Bool], frames: Int = 48, in directory: TemporaryDirectory) throws -> [String] {
        let withTone = try ChainFixtures.chain(withAudio.count, frames: frames, in: directory) { $0.audio = true }
        let silent = try withAudio.indices.map { k -> String in
            let path = directory.file("silent\(k).mp4")
            try FixtureFactory.makeClip(
                at: path, settings: Fixtures.settings(width: 320, height: 180), frames: frames,
                content: { j in
                    FixtureFactory.pattern(
                        index: ChainFixtures.patternIndex(clip: k, frame: j, frames: frames), width: 320, height: 180)
                })
            return path
        }
        return withAudio.indices.map { withAudio[$0] ? withTone[$0] : silent[$0] }
    }

    /// The output's audio decoded by ffmpeg as mono float samples at 48 kHz.
    static func samples(_ path: String) throws -> [Float] {
        let result = try ChainFixtures.run(
            "ffmpeg", ["-v", "error", "-i", path, "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Audio packets' (pts, duration) in the stream's time base, in order.
    static func audioPackets(_ path: String) throws -> [(pts: Int, duration: Int)] {
        let result = try ChainFixtures.run(
            "ffprobe",
            ["-v", "error", "-select_streams", "a:0", "-show_entries", "packet=pts,duration", "-of", "csv=p=0", path])
        return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",").compactMap { Int($0) }
            return fields.count == 2 ? (fields[0], fields[1]) : nil
        }
    }

    static func rms(_ samples: [Float], from start: Double, to end: Double) -> Double {
        let a = max(0, Int(start * Double(rate)))
        let b = min(samples.count, Int(end * Double(rate)))
        guard b > a else { return 0 }
        return (samples[a..<b].reduce(0.0) { $0 + Double($1 * $1) } / Double(b - a)).squareRoot()
    }

    /// Checks the audio against the video: as long within one AAC frame, packets end to end.
    static func expectContinuousAudio(_ path: String, videoFrames: Int, fps: Double = 24) throws -> [Float] {
        let samples = try Self.samples(path)
        let audioSeconds = Double(samples.count) / Double(rate)
        let videoSeconds = Double(videoFrames) / fps
        #expect(abs(audioSeconds - videoSeconds) <= aacFrame, "audio \(audioSeconds) s, video \(videoSeconds) s")
        let packets = try audioPackets(path)
        #expect(packets.count > 10)
        for (previous, next) in zip(packets, packets.dropFirst()) {
            #expect(next.pts == previous.pts + previous.duration, "gap or overlap at pts \(next.pts)")
        }
        return samples
    }

    /// Audio packets of `path` as ffprobe reads them: pts (in the stream's time base), duration and an MD5
    /// of the payload; and the stream's time base and an MD5 of its codec configuration (extradata).
    static func audioPayloads(_ path: String) throws -> (packets: [(pts: Int, duration: Int, hash: String)], timeBase: String, extradata: String) {
        let result = try ChainFixtures.run(
            "ffprobe",
            ["-v", "error", "-select_streams", "a:0", "-show_data_hash", "MD5", "-show_entries",
             "stream=time_base,extradata_hash:packet=pts,duration,data_hash", "-of", "json", path])
        let root = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let stream = try #require((root["streams"] as? [[String: Any]])?.first)
        let packets = (root["packets"] as? [[String: Any]] ?? []).compactMap { p -> (Int, Int, String)? in
            guard let pts = p["pts"] as? Int, let duration = p["duration"] as? Int, let hash = p["data_hash"] as? String else { return nil }
            return (pts, duration, hash)
        }
        return (packets, stream["time_base"] as? String ?? "?", stream["extradata_hash"] as? String ?? "?")
    }

    @Test func matchingAudioIsStreamCopiedAndCutAtTheVideosSeams() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try Self.clips([true, true, true], in: directory)
        let output = directory.file("copied.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .drop)
        #expect(result.audio.contains("stream copy"), "\(result.audio)")
        _ = try Self.expectContinuousAudio(output, videoFrames: result.frameCount)

        // Copied, not re-encoded: the same codec configuration, and every packet's bytes are a packet of the
        // inputs (the fixture clips carry the same tone, so one input's packets name the source position).
        let source = try Self.audioPayloads(clips[0])
        let joined = try Self.audioPayloads(output)
        #expect(source.timeBase == "1/48000" && joined.timeBase == "1/48000")
        #expect(joined.extradata == source.extradata)
        var positions: [String: [Int]] = [:]
        for input in clips {
            for packet in try Self.audioPayloads(input).packets { positions[packet.hash, default: []].append(packet.pts) }
        }
        // Cut at the seams: clip k's sound plays from output sample T_k = 48000 * firstFrame / 24, starting
        // `drop`'s one dropped frame (2000 samples) into the clip, within half a packet.
        let offsets = result.segments.enumerated().map { k, segment in segment.firstFrame * 2000 - (k > 0 ? 2000 : 0) }
        var clip = 0
        for packet in joined.packets where packet.pts >= 0 {
            let sources = try #require(positions[packet.hash], "output packet at \(packet.pts) is not an input packet")
            let matches = offsets.indices.filter { k in sources.contains { abs(packet.pts - $0 - offsets[k]) <= 512 } }
            let next = try #require(matches.first { $0 >= clip }, "packet at \(packet.pts) out of sync (sources \(sources))")
            clip = next
        }
        #expect(clip == 2, "the last packets come from the last clip")
    }

    @Test func audioWithOtherParametersIsReencoded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var clips = try Self.clips([true, true], in: directory)
        // The second clip's sound at 44.1 kHz: parameters differ, so no stream copy.
        let resampled = directory.file("44k.mp4")
        let remux = try ChainFixtures.run(
            "ffmpeg", ["-v", "error", "-i", clips[1], "-c:v", "copy", "-c:a", "aac", "-ar", "44100", "-y", resampled])
        #expect(remux.status == 0, "\(remux.stderr)")
        clips[1] = resampled
        let output = directory.file("mixed-rates.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .drop)
        #expect(result.audio.contains("re-encoded") && !result.audio.contains("stream copy"), "\(result.audio)")
        let samples = try Self.expectContinuousAudio(output, videoFrames: result.frameCount)
        #expect(Self.rms(samples, from: 2.2, to: 3.5) > 0.03, "the resampled clip's tone is there")
    }

    @Test func audioThatStartsAfterThePicturesIsReencodedInPlace() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var clips = try Self.clips([true, true], in: directory)
        // The second clip's sound starts half a second after its first picture: copying its packets from the
        // seam on would play it early, so the join re-encodes and keeps the half second silent.
        let late = directory.file("late.mp4")
        let remux = try ChainFixtures.run(
            "ffmpeg", ["-v", "error", "-i", clips[1], "-itsoffset", "0.5", "-i", clips[1], "-map", "0:v", "-map", "1:a", "-c", "copy", "-y", late])
        #expect(remux.status == 0, "\(remux.stderr)")
        clips[1] = late
        let output = directory.file("late-joined.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .keep)
        #expect(result.audio.contains("re-encoded"), "\(result.audio)")
        let samples = try Self.expectContinuousAudio(output, videoFrames: result.frameCount)
        #expect(Self.rms(samples, from: 2.05, to: 2.45) < 0.002, "silent until the late sound starts")
        #expect(Self.rms(samples, from: 2.6, to: 3.5) > 0.03)
    }

    @Test func dropKeepsSoundAsLongAsThePicturesAndContinuousAtEverySeam() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try Self.clips([true, true, true], in: directory)
        let output = directory.file("drop.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .drop)
        #expect(result.frameCount == 3 * 48 - 2)
        #expect(result.audio.hasPrefix("aac"))
        let samples = try Self.expectContinuousAudio(output, videoFrames: result.frameCount)
        // The tone plays throughout: no clip's sound went missing at a seam.
        for second in stride(from: 0.1, to: Double(result.frameCount) / 24 - 0.1, by: 0.25) {
            #expect(Self.rms(samples, from: second, to: second + 0.1) > 0.03, "quiet at \(second) s")
        }
    }

    @Test func aClipWithoutAudioBecomesSilenceInItsOwnStretch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try Self.clips([true, false, true], in: directory)
        let output = directory.file("mixed.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .keep)
        let samples = try Self.expectContinuousAudio(output, videoFrames: result.frameCount)
        let seams = result.seamFrames.map { Double($0) / 24 }  // 2 s and 4 s
        #expect(seams == [2, 4])
        #expect(Self.rms(samples, from: 0.1, to: seams[0] - 0.05) > 0.05, "clip 1's tone")
        #expect(Self.rms(samples, from: seams[0] + 0.05, to: seams[1] - 0.05) < 0.002, "clip 2 is silent")
        #expect(Self.rms(samples, from: seams[1] + 0.05, to: 5.9) > 0.05, "clip 3's tone")
    }

    @Test func crossfadedClipsKeepTheirSoundAsLongAsThePictures() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try Self.clips([true, false], in: directory)
        let output = directory.file("fade.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .crossfade(seconds: 0.5))
        #expect(result.frameCount == 2 * 48 - 12)
        let samples = try Self.expectContinuousAudio(output, videoFrames: result.frameCount)
        // The tone fades out across the 12 overlapped frames (from 36/24 s to 48/24 s of the output).
        let early = Self.rms(samples, from: 1.5, to: 1.6)
        let late = Self.rms(samples, from: 1.85, to: 1.95)
        #expect(early > 2 * late && late > 0.001, "fading: \(early) then \(late)")
        #expect(Self.rms(samples, from: 2.1, to: 3.4) < 0.002)
    }

    @Test func clipsWithoutAudioGiveAVideoOnlyOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try Self.clips([false, false], in: directory)
        let output = directory.file("silent.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .drop)
        #expect(result.audio.hasPrefix("none"))
        #expect(try Self.audioPackets(output).isEmpty)
    }
}
