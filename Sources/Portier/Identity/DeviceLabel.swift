/// A person's name for the browser behind a user agent: "Firefox på Windows", "Safari on iPhone".
/// Good enough to recognise one's own devices in "Inloggade enheter" and in the new-login
/// e-mail; never used for a security decision.
struct DeviceLabel: Equatable, Sendable {
    /// nil when no known browser is named.
    let browser: String?
    /// nil when no known system is named.
    let system: String?

    init(userAgent: String?) {
        let agent = userAgent ?? ""
        browser = Self.browser(in: agent)
        system = Self.system(in: agent)
    }

    private static func browser(in agent: String) -> String? {
        // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
        let browsers: [(token: String, name: String)] = [
            ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"),
            ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"),
            ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"),
        ]
        return browsers.first { agent.contains($0.token) }?.name
    }

    private static func system(in agent: String) -> String? {
        let systems: [(token: String, name: String)] = [
            ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
        ]
        return systems.first { agent.contains($0.token) }?.name
    }

    /// "Firefox på Windows", "Firefox", "en webbläsare på Linux", "okänd enhet" — from the catalog.
    func text(for language: Language, catalogs: Catalogs) -> String {
        switch (browser, system) {
        case let (browser?, system?): catalogs.string("device.browser_on_system", language: language, arguments: [browser, system])
        case let (browser?, nil): browser
        case let (nil, system?): catalogs.string("device.unknown_browser_on_system", language: language, arguments: [system])
        case (nil, nil): catalogs.string("device.unknown", language: language)
        }
    }
}
