import Foundation

/// Where Portier's `Resources/` (views, catalogs, guides, the common-password list) and `Public/`
/// (stylesheet, images, scripts) are, so the program does not depend on the shell's working
/// directory: `PORTIER_RESOURCES_DIR` when set, else `Resources/` in the working directory, else
/// the nearest folder above the program that holds `Resources/` (a packaged install such as
/// `/opt/portier/{bin/portier,Resources,Public}`, or `.build/debug/portier` in a checkout).
/// `Public/` is always the folder beside `Resources/`.
public struct ResourceLocation: Equatable, Sendable {
    /// The file whose presence marks a folder as Portier's `Resources` folder.
    public static let markerFile = "Security/common-passwords.txt"
    /// How many folders above the program's own are searched.
    static let levelsAboveProgram = 5

    /// Ends in `/`, like Vapor's `DirectoryConfiguration`.
    public let resourcesDirectory: String
    /// Ends in `/`.
    public let publicDirectory: String

    init(resourcesDirectory: String) {
        let resources = Self.withTrailingSlash(resourcesDirectory)
        self.resourcesDirectory = resources
        self.publicDirectory = URL(fileURLWithPath: resources).deletingLastPathComponent().appendingPathComponent("Public").path + "/"
    }

    public static func holdsResources(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: withTrailingSlash(directory) + markerFile)
    }

    /// Finds the folders, or explains in one line where it looked and how to point Portier at them.
    public static func resolve(
        configured: String?,
        workingDirectory: String,
        programPath: String? = ResourceLocation.programPath
    ) throws -> ResourceLocation {
        if let configured {
            guard holdsResources(configured) else {
                throw ConfigurationError(variable: "PORTIER_RESOURCES_DIR", reason: "has no \(markerFile) in '\(configured)'")
            }
            return ResourceLocation(resourcesDirectory: configured)
        }
        let candidates = candidateFolders(workingDirectory: workingDirectory, programPath: programPath)
        for candidate in candidates where holdsResources(candidate) {
            return ResourceLocation(resourcesDirectory: candidate)
        }
        throw ResourcesNotFoundError(searched: candidates)
    }

    /// `Resources/` in the working directory, then in each folder from the program's upwards.
    static func candidateFolders(workingDirectory: String, programPath: String?) -> [String] {
        var candidates = [withTrailingSlash(workingDirectory) + "Resources/"]
        if let programPath {
            var folder = URL(fileURLWithPath: programPath).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0...levelsAboveProgram {
                let candidate = folder.appendingPathComponent("Resources").path + "/"
                if !candidates.contains(candidate) { candidates.append(candidate) }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return candidates
    }

    /// The running program's file.
    public static var programPath: String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        return Bundle.main.executablePath
    }

    private static func withTrailingSlash(_ path: String) -> String {
        path.hasSuffix("/") ? path : path + "/"
    }
}

/// Neither `PORTIER_RESOURCES_DIR` nor the working directory nor the program's folders hold
/// Portier's resources. The description is the one line an operator sees.
public struct ResourcesNotFoundError: Error, CustomStringConvertible, Equatable {
    public let searched: [String]

    public var description: String {
        let first = searched.first ?? "Resources/"
        let others = searched.dropFirst()
        let beside = others.isEmpty ? "" : " or above the program (\(others.first!)\(others.count > 1 ? " … \(others.last!)" : ""))"
        return "Portier's resources were not found: no \(ResourceLocation.markerFile) in \(first) (the working directory)\(beside). "
            + "Start portier in the folder that holds Resources/ and Public/, or set PORTIER_RESOURCES_DIR to the Resources folder."
    }
}
