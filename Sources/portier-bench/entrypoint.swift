import Foundation
import Portier
import Vapor

/// `portier-bench`: commands for the scripts in bench/ only, kept out of the `portier` program
/// that production runs. The application is configured exactly as `portier`'s (`configure`);
/// only the commands below are added.
@main
enum BenchEntrypoint {
    static func main() async throws {
        var environment = try Environment.detect()
        try LoggingSystem.bootstrap(from: &environment)
        let app = try await Application.make(environment)
        do {
            try await configure(app)
            app.asyncCommands.use(BenchHashCommand(), as: "bench-hash")
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
