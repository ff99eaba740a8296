import Foundation
import Hummingbird

/// PiAPI's answers: the `{code, data, message}` envelope, the task `data` object and its completed output.
extension PiAPIWire {

    static func status(of state: SandboxTaskState) -> String {
        switch state {
        case .queued: return "pending"
        case .running: return "processing"
        case .succeeded: return "completed"
        case .failed: return "failed"
        case .cancelled: return "cancelled"
        }
    }

    static func envelope(_ data: JSONValue) -> JSONValue {
        ["code": 200, "data": data, "message": "success"]
    }

    /// The `data` object of GET /api/v1/task/{id} (and of webhooks).
    static func data(of task: SandboxTask, links: ClipLinks?) -> JSONValue {
        let zero: JSONValue = "0001-01-01T00:00:00Z"
        let charged = task.state == .succeeded
        let refunded = task.state == .failed || task.state == .cancelled
        var error: JSONObject = ["code": 0, "raw_message": "", "message": "", "detail": nil]
        if task.state == .failed, let reason = task.failureReason {
            error = [
                "code": 10000, "raw_message": .string(reason), "message": .string("task failed: \(reason)"),
                "detail": nil,
            ]
        }
        return [
            "task_id": .string(task.id),
            "model": "luma",
            "task_type": .string(task.taskType),
            "status": .string(status(of: task.state)),
            "config": task.config,
            "input": task.echo,
            "output": output(of: task, links: links),
            "meta": [
                "created_at": WireSupport.timestamp(task.createdAt),
                "started_at": task.startedAt.map { WireSupport.timestamp($0) } ?? zero,
                "ended_at": task.endedAt.map { WireSupport.timestamp($0) } ?? zero,
                "usage": [
                    "type": "point", "frozen": .int(charged || refunded ? 0 : 2_000_000),
                    "consume": .int(charged ? 2_000_000 : 0),
                ],
                "is_using_private_pool": false,
                "failover_triggered": false,
            ],
            "detail": nil,
            "logs": [],
            "error": .object(error),
        ]
    }

    private static func output(of task: SandboxTask, links: ClipLinks?) -> JSONValue {
        guard task.state == .succeeded, let clip = task.clip, let links else { return nil }
        func asset(_ url: String) -> JSONValue {
            ["url": .string(url), "width": .int(clip.width), "height": .int(clip.height)]
        }
        return [
            "prompt": .string(task.spec.prompt),
            "internal_state": "completed",
            "created_at": WireSupport.timestamp(task.createdAt),
            "video": asset(links.watermarkedVideo),
            "video_raw": asset(links.video),
            "thumbnail": asset(links.thumbnail),
            "last_frame": asset(links.lastFrame),
        ]
    }

    /// Runs `body`, answering a ``SandboxError`` in PiAPI's envelope with the error's HTTP status.
    static func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as SandboxError {
            return WireSupport.json(
                ["code": .int(Int(error.status.code)), "data": nil, "message": .string(error.message)],
                status: error.status, headers: WireSupport.retryHeaders(for: error))
        } catch {
            return WireSupport.json(
                ["code": 500, "data": nil, "message": .string("internal error: \(error)")], status: .internalServerError
            )
        }
    }
}
