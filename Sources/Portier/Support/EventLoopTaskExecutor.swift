import NIOCore

/// A Swift Concurrency task executor that runs every job of a task on one NIO event loop.
///
/// Vapor starts a `Task` for each `AsyncMiddleware` and async handler; on Swift's global executor
/// each `await` on a database query or a view then resumes on another thread than the event loop
/// that answered it: two thread wake-ups per `await`. A task started with this executor as its
/// preference (`Task(executorPreference:)`, see `EventLoopMiddleware`) stays on its request's
/// event loop instead, and so does every child task and default actor it calls. Nothing else
/// changes executor: background workers, commands and the tests' own code keep the global one.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
