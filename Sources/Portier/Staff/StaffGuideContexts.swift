import Vapor

/// `/personal/guider`: every guide of both languages, by language and category.
struct StaffGuideListContext: StaffPageContext {
    struct Row: Encodable {
        let title: String
        let categoryTitle: String
        let languageLabel: String
        let editPath: String
        let publicURL: String?
        let status: StatusView
        let hasDraft: Bool
        let editedAt: DateTimeView?
    }

    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let rows: [Row]
    let notice: String?
}

/// `/personal/guider/<id>`: the editor with its preview, versions and image upload.
struct StaffGuideEditorContext: StaffPageContext {
    struct Values: Encodable {
        let title: String
        let slug: String
        let order: String
        let keywords: String
        let related: String
        let translation: String
        let markdown: String
    }

    struct Errors: Encodable {
        var title: String?
        var slug: String?
        var category: String?
        var order: String?
        var keywords: String?
        var related: String?
        var translation: String?
        var markdown: String?
    }

    struct VersionRow: Encodable {
        let number: Int
        let stateLabel: String
        let isPublished: Bool
        let author: String
        let saved: DateTimeView
        let restoredFrom: Int?
        let restorePath: String
    }

    struct Paths: Encodable {
        let save: String
        let unpublish: String
        let upload: String
        let delete: String
    }

    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let heading: String
    let languageLabel: String
    let guideLanguage: String
    let isPublished: Bool
    let hasUnpublishedDraft: Bool
    let publicURL: String?
    let values: Values
    let categories: [OptionView]
    let errors: Errors
    let hasErrors: Bool
    let previewHTML: String?
    let versions: [VersionRow]
    let paths: Paths
    let notice: String?
    let imageError: String?
    let imageMarkdown: String?
    let maximumTitleLength = GuideEditor.maximumTitleLength
    let maximumMarkdownLength = GuideEditor.maximumMarkdownLength
    let maximumImageKilobytes = GuideImageUpload.maximumBytes / 1000
}

/// A success message after a guide-editor action (`?notice=…`), from a fixed list.
enum StaffGuideNotice: String, CaseIterable {
    case draftSaved = "draft-saved"
    case published
    case unpublished
    case restored
    case imageUploaded = "image-uploaded"
    case created
    case deleted

    var catalogKey: String { "staff.guides.notice." + rawValue.replacingOccurrences(of: "-", with: "_") }

    static func from(_ request: Request) -> StaffGuideNotice? {
        request.query[String.self, at: "notice"].flatMap(StaffGuideNotice.init(rawValue:))
    }
}
