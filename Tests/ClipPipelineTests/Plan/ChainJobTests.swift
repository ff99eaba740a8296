import ClipMedia
import ClipPipeline
import ClipProviders
import Testing

/// A batch line of kind `extend` or `generate` becomes the same ``ChainPlan`` the commands make.
struct ChainJobTests {
    @Test func anExtendLineBecomesThePlanWithItsOutputInTheStore() throws {
        let job = try ChainJob(
            spec: #"{"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["a", "b"], "segments": 3, "duration": 5, "aspect": "16:9", "resolution": "720p", "output": "out/c1.mp4", "seam": "keep", "base_url": "http://127.0.0.1:9"}"#,
            store: "/shared/store")
        #expect(job.plan.kind == .extend && job.plan.provider == .kkiai && job.plan.segments == 3)
        #expect(job.plan.prompts == ["a", "b"] && job.plan.duration == 5 && job.plan.aspectRatio == "16:9")
        #expect(job.plan.resolution == "720p" && job.plan.seam == .keep && job.plan.maxRetries == 2)
        #expect(job.plan.output == "/shared/store/out/c1.mp4")
        #expect(job.baseURL == "http://127.0.0.1:9" && job.frameHosting == .auto)
    }

    @Test func aGenerateLineMakesOneClipNamedAfterItsIdByDefault() throws {
        let job = try ChainJob(spec: #"{"id": "g1", "kind": "generate", "provider": "piapi", "prompt": "x"}"#, store: "/s")
        #expect(job.plan.kind == .generate && job.plan.segments == 1 && job.plan.prompts == ["x"])
        #expect(job.plan.output == "/s/g1.mp4")
    }

    @Test(arguments: [
        (#"{"id": "g", "kind": "generate", "provider": "piapi", "prompt": "x", "segments": 3}"#, "one clip"),
        (#"{"id": "c", "kind": "extend", "provider": "sandbox", "prompts": ["x"], "segments": 2}"#, "provider"),
        (#"{"id": "c", "kind": "extend", "provider": "kkiai", "prompts": ["x"], "segments": 2, "mode": "sideways"}"#, "mode"),
        (#"{"id": "c", "kind": "extend", "provider": "kkiai", "prompts": ["x"], "segments": "two"}"#, "segments"),
        (#"{"id": "c", "kind": "extend", "provider": "kkiai", "prompts": ["x"], "segments": 2, "max_retries": 50}"#, "max_retries"),
    ])
    func aLineThatCannotBePlannedSaysWhichKey(line: String, key: String) {
        #expect {
            try ChainJob(spec: line, store: "/s")
        } throws: { error in
            "\(error)".contains(key)
        }
    }
}
