import Fluent
import Vapor

/// `portier guides import [--force]` loads `Resources/Guides` and reports what changed (a broken
/// guide is rejected with its file and line; a guide edited in the browser is kept, and one deleted
/// there stays deleted, unless `--force`); `portier guides feedback` prints views, votes and comments
/// per guide and the searches that found nothing.
struct GuidesCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "import | feedback")
        var action: String

        @Option(name: "limit", help: "How many unanswered searches and comments to show (default 10)")
        var limit: Int?

        @Flag(name: "force", help: "import: overwrite guides edited in the browser (/personal/guider) with their files, and import again those deleted there")
        var force: Bool
    }

    var help: String { "Imports guides and reports reader feedback" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        switch signature.action {
        case "import":
            let report = try await importGuides(app, force: signature.force)
            context.console.printPlain(report.description)
        case "feedback":
            context.console.printPlain(try await GuideFeedbackReport(database: app.db, limit: signature.limit ?? 10).render())
        default:
            throw GuidesCommandError.unknownAction(signature.action)
        }
    }
}

enum GuidesCommandError: Error, CustomStringConvertible {
    case unknownAction(String)

    var description: String {
        switch self {
        case .unknownAction(let action): "Unknown action '\(action)'. Use: portier guides import | portier guides feedback"
        }
    }
}

/// The text `portier guides feedback` prints.
struct GuideFeedbackReport {
    let database: any Database
    let limit: Int

    func render() async throws -> String {
        var lines = ["views    yes     no  ratio  guide"]
        let guides = try await Guide.query(on: database).sort(\.$viewCount, .descending).sort(\.$slug).all()
        for guide in guides {
            let votes = guide.helpfulCount + guide.notHelpfulCount
            let ratio = votes == 0 ? "    –" : String(format: "%4.0f%%", Double(guide.helpfulCount) / Double(votes) * 100)
            lines.append(String(format: "%5d  %5d  %5d  ", guide.viewCount, guide.helpfulCount, guide.notHelpfulCount) + ratio + "  \(guide.language)/\(guide.slug)")
        }
        let comments = try await GuideVote.query(on: database)
            .filter(\.$comment != nil)
            .sort(\.$votedAt, .descending)
            .with(\.$guide)
            .limit(limit).all()
        lines.append("")
        lines.append("latest comments (\"what was missing?\"):")
        lines += comments.isEmpty ? ["  (none)"] : comments.map { "  \($0.votedAt.formatted(.iso8601))  \($0.guide.slug): \(PlainText.singleLine($0.comment ?? ""))" }
        let unanswered = try await UnansweredSearch.query(on: database)
            .sort(\.$searchCount, .descending).sort(\.$lastSearchedAt, .descending)
            .limit(limit).all()
        lines.append("")
        lines.append("top searches with no result:")
        lines += unanswered.isEmpty ? ["  (none)"] : unanswered.map { String(format: "  %4d  ", $0.searchCount) + "[\($0.language)] \(PlainText.singleLine($0.query))" }
        return lines.joined(separator: "\n")
    }
}
