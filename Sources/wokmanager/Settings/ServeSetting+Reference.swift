extension ServeSetting {
    /// The reference of every setting, a Markdown table: the part of docs/configuration.md between its
    /// `settings` markers, which `make docs` rewrites from this (and a test compares with this).
    static var reference: String {
        let rows = all.map { setting in
            let flag = setting.kind == .list ? "`\(setting.flag)` (repeatable)" : "`\(setting.flag)`"
            let variable = setting.kind == .list ? "`\(setting.variable)` (comma-separated)" : "`\(setting.variable)`"
            let fallback = switch setting.fallback {
            case .value(let value): "`\(value)`"
            case .none(let text): text
            }
            return "| \(flag) | \(variable) | \(fallback) | \(setting.summary) |\n"
        }
        return "| flag | variable | default | meaning |\n|------|----------|---------|---------|\n" + rows.joined()
    }
}
