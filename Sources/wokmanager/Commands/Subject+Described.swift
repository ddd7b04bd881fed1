import Registry

extension Subject {
    /// `group product.importer` or `worker imp-1`, made safe for a terminal.
    var described: String { scope + " " + TerminalText.escaped(name) }
}
