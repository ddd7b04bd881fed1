import Mustache

// The status page and everything in it answer the template's lookups directly instead of through
// reflection, which the benchmark showed dominating the page's time: a key a row does not hold (an empty
// reason, the viewer) is looked up again in the page, and reflection walks every property each time.
// A `nil` answer means "not here", exactly as reflection treats an empty optional; MustacheLookupTests
// checks that each type answers every one of its stored properties. The domain tree, the largest part,
// is not rendered by Mustache at all (see StatusPage+Tree.swift).

extension StatusPage: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "summary": summary
        case "capacityWarnings": capacityWarnings
        case "problems": problems
        case "silences": silences
        case "tree": tree
        case "chart": chart
        case "numbers": numbers
        case "selection": selection
        case "groupFilter": groupFilter
        case "search": search
        case "statusOptions": statusOptions
        case "fieldErrors": fieldErrors
        case "attentionLink": attentionLink
        case "columns": columns
        case "workers": workers
        case "paging": paging
        case "sort": sort
        case "direction": direction
        case "chartSpan": chartSpan
        case "errors": errors
        case "errorsRead": errorsRead
        case "generatedAt": generatedAt
        case "viewer": viewer
        case "returnTo": returnTo
        case "silenceGroup": silenceGroup
        case "silenceDurations": silenceDurations
        default: nil
        }
    }
}

extension StatusPage.Summary: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "problems": problems
        case "acknowledged": acknowledged
        case "running": running
        case "lost": lost
        case "failed": failed
        case "stopped": stopped
        case "newestEvent": newestEvent
        case "countedAt": countedAt
        default: nil
        }
    }
}

extension StatusPage.Option: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

extension StatusPage.Chart: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "svg": svg
        case "summary": summary
        case "spans": spans
        default: nil
        }
    }
}

extension StatusPage.NumberRow: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "sum": sum
        case "range": range
        case "workers": workers
        default: nil
        }
    }
}

extension StatusPage.SpanLink: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "label": label
        case "link": link
        case "current": current
        default: nil
        }
    }
}

extension StatusPage.Column: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "label": label
        case "link": link
        case "sorted": sorted
        case "arrow": arrow
        default: nil
        }
    }
}

extension StatusPage.Paging: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "total": total
        case "shown": shown
        case "first": first
        case "previous": previous
        case "next": next
        case "last": last
        case "page": page
        case "pages": pages
        case "several": several
        case "sizes": sizes
        default: nil
        }
    }
}

extension StatusPage.FieldErrors: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "group": group
        case "status": status
        case "search": search
        case "sort": sort
        case "paging": paging
        case "chart": chart
        default: nil
        }
    }
}

extension Viewer: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "role": role
        case "canAct": canAct
        case "csrfToken": csrfToken
        case "notice": notice
        default: nil
        }
    }
}

extension StatusPage.WorkerRow: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "id": id
        case "link": link
        case "group": group
        case "groupLink": groupLink
        case "status": status
        case "reason": reason
        case "lastSeen": lastSeen
        case "uptime": uptime
        case "host": host
        case "version": version
        case "message": message
        case "errorCount": errorCount
        default: nil
        }
    }
}

extension StatusPage.ErrorRow: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "at": at
        case "workerID": workerID
        case "workerLink": workerLink
        case "group": group
        case "groupLink": groupLink
        case "message": message
        case "action": action
        case "count": count
        case "repeated": count > 1 ? count : nil
        default: nil
        }
    }
}

extension PageTime: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "exact": exact
        case "relative": relative
        default: nil
        }
    }
}
