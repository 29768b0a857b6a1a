import Vapor

/// `portier secret generate`: prints a new `PORTIER_SECRET_KEY` (32 random bytes, base64) for the
/// operator to put into the environment. Nothing is stored.
struct SecretCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "generate")
        var action: String
    }

    var help: String { "Server secret: 'generate' prints a new PORTIER_SECRET_KEY" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "generate" else {
            throw SecretCommandError.unknownAction(signature.action)
        }
        context.console.print(ServerSecret.generate().base64)
    }
}

enum SecretCommandError: Error, CustomStringConvertible {
    case unknownAction(String)

    var description: String {
        switch self {
        case .unknownAction(let action): "Unknown action '\(action)'. Use: portier secret generate"
        }
    }
}
