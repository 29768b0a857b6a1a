import Foundation
import Vapor

/// What the program prints and returns when it cannot do what the operator asked: one line on
/// standard error and an exit status from `sysexits.h`, never a crash report.
public struct StartupFailure: Equatable, Sendable {
    /// `EX_USAGE`: an unknown command, a missing argument, an option that is not understood.
    public static let usageStatus: Int32 = 64
    /// `EX_CONFIG`: a variable with a bad value, resources that cannot be found.
    public static let configurationStatus: Int32 = 78
    /// Anything else that stopped the program.
    public static let otherStatus: Int32 = 1

    public let line: String
    public let exitStatus: Int32

    public init(_ error: any Error) {
        switch error {
        case let configuration as ConfigurationError:
            line = configuration.description
            exitStatus = Self.configurationStatus
        case let resources as ResourcesNotFoundError:
            line = resources.description
            exitStatus = Self.configurationStatus
        case let command as CommandError:
            if case .unknownCommand(let name, let available) = command {
                line = "Unknown command '\(name)'. Commands: \(available.sorted().joined(separator: ", ")). `portier --help` describes them."
            } else {
                line = "\(command.description). `portier --help` lists the commands and their options."
            }
            exitStatus = Self.usageStatus
        default:
            line = "portier stopped: \(String(describing: error))"
            exitStatus = Self.otherStatus
        }
    }

    /// The line as printed: control characters become spaces, so it stays one line.
    public var printableLine: String {
        PlainText.singleLine(line)
    }
}
