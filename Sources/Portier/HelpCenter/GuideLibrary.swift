import Foundation

/// Reads and validates every category and guide under `Resources/Guides`. Any problem stops the
/// import with the file and line to fix; nothing half-valid reaches the database.
struct GuideLibrary {
    let categories: [CategorySource]
    let guides: [GuideSource]

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "webp", "svg"]
    /// A category's folder of images, beside its guides; guides refer to them as `images/<file>`.
    static let imagesFolder = "images"

    static func load(from root: String) throws -> GuideLibrary {
        let fileManager = FileManager.default
        var categories: [CategorySource] = []
        var guides: [GuideSource] = []
        for language in Language.allCases {
            let languageRoot = root + language.rawValue + "/"
            let categorySlugs = ((try? fileManager.contentsOfDirectory(atPath: languageRoot)) ?? []).sorted()
            for categorySlug in categorySlugs where isDirectory(languageRoot + categorySlug) {
                let folder = languageRoot + categorySlug + "/"
                let relativeFolder = "\(language.rawValue)/\(categorySlug)/"
                try validateSlug(categorySlug, file: relativeFolder + "_category.md")
                categories.append(try loadCategory(folder + "_category.md", relativePath: relativeFolder + "_category.md", language: language, slug: categorySlug))
                let files = ((try? fileManager.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".md") && $0 != "_category.md" }.sorted()
                for file in files {
                    guides.append(try loadGuide(folder + file, relativePath: relativeFolder + file, language: language, categorySlug: categorySlug, folder: folder))
                }
            }
        }
        let library = GuideLibrary(categories: categories, guides: guides)
        try library.validateReferences()
        return library
    }

    private static func loadCategory(_ path: String, relativePath: String, language: Language, slug: String) throws -> CategorySource {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw GuideImportError(file: relativePath, line: 0, reason: "every category folder needs a _category.md with its title")
        }
        let front = try FrontMatter.parse(text, file: relativePath)
        return CategorySource(
            language: language, slug: slug,
            title: try front.required("title", file: relativePath),
            description: front.fields["description"]?.value ?? "",
            order: try front.integer("order", file: relativePath),
            path: relativePath
        )
    }

    private static func loadGuide(_ path: String, relativePath: String, language: Language, categorySlug: String, folder: String) throws -> GuideSource {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw GuideImportError(file: relativePath, line: 0, reason: "the file is not readable UTF-8 text")
        }
        let front = try FrontMatter.parse(text, file: relativePath)
        let fileSlug = String((path as NSString).lastPathComponent.dropLast(3))
        let slug = front.fields["slug"]?.value ?? fileSlug
        guard slug == fileSlug else {
            throw GuideImportError(file: relativePath, line: front.fields["slug"]?.line ?? 1, reason: "slug '\(slug)' must equal the file name '\(fileSlug)'")
        }
        try validateSlug(slug, file: relativePath)
        let updated = try front.required("updated", file: relativePath)
        guard updated.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil else {
            throw GuideImportError(file: relativePath, line: front.fields["updated"]?.line ?? 1, reason: "'updated' must be a date like 2026-11-26")
        }
        let bodyOffset = text.components(separatedBy: "\n").count - front.body.components(separatedBy: "\n").count
        try validateBody(front.body, file: relativePath, lineOffset: bodyOffset, folder: folder)
        return GuideSource(
            language: language, categorySlug: categorySlug, slug: slug,
            title: try front.required("title", file: relativePath),
            order: try front.integer("order", file: relativePath),
            related: front.list("related"),
            keywords: front.list("keywords"),
            updated: updated,
            translation: front.fields["translation"]?.value,
            markdown: front.body,
            path: relativePath,
            relatedLine: front.fields["related"]?.line ?? 1
        )
    }

    /// No raw HTML (everything a guide shows comes from Markdown), and every image exists.
    static func validateBody(_ body: String, file: String, lineOffset: Int, folder: String) throws {
        var isInCode = false
        for (index, line) in body.components(separatedBy: "\n").enumerated() {
            let lineNumber = lineOffset + index + 1
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { isInCode.toggle() }
            if isInCode { continue }
            if line.range(of: #"<[A-Za-z/!]"#, options: .regularExpression) != nil {
                throw GuideImportError(file: file, line: lineNumber, reason: "raw HTML is not allowed in guides; use Markdown")
            }
            for match in line.matches(of: /!\[([^\]]*)\]\(([^)\s]+)\)/) {
                let alt = String(match.output.1), source = String(match.output.2)
                guard !alt.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw GuideImportError(file: file, line: lineNumber, reason: "the image \(source) needs alt text: ![what it shows](\(source))")
                }
                guard source.hasPrefix(imagesFolder + "/"), !source.contains(".."),
                      imageExtensions.contains((source as NSString).pathExtension.lowercased()) else {
                    throw GuideImportError(file: file, line: lineNumber, reason: "images must be files in this category's images/ folder, got \(source)")
                }
                guard FileManager.default.fileExists(atPath: folder + source) else {
                    throw GuideImportError(file: file, line: lineNumber, reason: "the image \(source) does not exist")
                }
            }
        }
    }

    private static func validateSlug(_ slug: String, file: String) throws {
        guard slug.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) != nil else {
            throw GuideImportError(file: file, line: 1, reason: "'\(slug)' is not a valid slug (a-z, 0-9 and single hyphens)")
        }
    }

    private func validateReferences() throws {
        var seen: [String: String] = [:]
        for guide in guides {
            let key = guide.language.rawValue + "/" + guide.slug
            if let other = seen[key] {
                throw GuideImportError(file: guide.path, line: 1, reason: "slug '\(guide.slug)' is also used by \(other)")
            }
            seen[key] = guide.path
        }
        for guide in guides {
            for slug in guide.related where seen[guide.language.rawValue + "/" + slug] == nil {
                throw GuideImportError(file: guide.path, line: guide.relatedLine, reason: "related guide '\(slug)' does not exist in \(guide.language.rawValue)")
            }
            if let translation = guide.translation {
                let other = guide.language == .swedish ? Language.english : .swedish
                if seen[other.rawValue + "/" + translation] == nil {
                    throw GuideImportError(file: guide.path, line: 1, reason: "translation '\(translation)' does not exist in \(other.rawValue)")
                }
            }
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
