import Vapor

extension Application {
    /// Whether this process serves requests: `serve`, the default command (none given) or only
    /// options (`--port 8081`); not `migrate`, `routes`, `outbox`, `customers`, …. Background
    /// loops (outbox worker, view counter) and start-up migration run only then.
    var runsServeCommand: Bool {
        guard let command = environment.commandInput.arguments.first else { return true }
        return command == "serve" || command.hasPrefix("-")
    }
}
