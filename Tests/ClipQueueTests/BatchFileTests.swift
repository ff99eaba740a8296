import ClipQueue
import Testing

struct BatchFileTests {
    @Test func aValidFileGivesOneJobPerLineWithItsFirstStep() throws {
        let text = """
            {"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["a", "b"], "segments": 3, "duration": 5, "aspect": "16:9", "resolution": "720p", "output": "c1.mp4"}

            {"id": "g1", "kind": "generate", "provider": "piapi", "prompt": "x"}
            {"id": "q1", "kind": "check", "path": "clips/a.mp4"}
            """
        let file = try BatchFile(name: "jobs.jsonl", text: text) { object in
            if let path = object["path"] as? String { object["path"] = "/base/" + path }
        }
        #expect(file.lines.map(\.number) == [1, 3, 4])
        let jobs = file.jobs
        #expect(jobs.map(\.id) == ["c1", "g1", "q1"])
        #expect(jobs[0].firstSteps == [NewStep(segment: 0, kind: "submit", provider: "kkiai")])
        #expect(jobs[2].firstSteps.first?.kind == "check")
        #expect(jobs[2].spec.contains("/base/clips/a.mp4"))
    }

    @Test(arguments: [
        (#"{"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["a"]}"#, "needs \"segments\""),
        (#"{"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": [], "segments": 2}"#, "needs \"prompts\""),
        (#"{"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": ["a"], "segments": 0}"#, "\"segments\""),
        (#"{"id": "c1", "kind": "extend", "prompts": ["a"], "segments": 2}"#, "needs \"provider\""),
        (#"{"id": "c1", "kind": "dance"}"#, "\"kind\" must be one of"),
        (#"{"kind": "check", "path": "a.mp4"}"#, "\"id\""),
        (#"{"id": "q1", "kind": "check"}"#, "needs \"path\""),
        (#"{"id": "a", "kind": "check", "path": "x.mp4"}"#, "already used on line 1"),
        ("not json", "not a JSON object"),
    ])
    func aBadLineRefusesTheWholeFileNamingItsLine(line: String, message: String) throws {
        let text = #"{"id": "a", "kind": "check", "path": "a.mp4"}"# + "\n" + line + "\n"
        #expect {
            try BatchFile(name: "jobs.jsonl", text: text)
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("jobs.jsonl:2: ") && description.contains(message)
        }
    }

    @Test func anEmptyFileIsRefused() {
        #expect(throws: QueueError.self) { try BatchFile(name: "jobs.jsonl", text: "\n\n") }
    }
}
